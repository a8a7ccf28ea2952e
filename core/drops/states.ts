/** DALiuGE's numeric states, exactly as on the wire. */

export const SessionStates = {
  PRISTINE: 0,
  BUILDING: 1,
  DEPLOYING: 2,
  RUNNING: 3,
  FINISHED: 4,
  CANCELLED: 5,
  FAILED: 6,
} as const;
export type SessionState = (typeof SessionStates)[keyof typeof SessionStates];

export const DropStates = {
  INITIALIZED: 0,
  WRITING: 1,
  COMPLETED: 2,
  ERROR: 3,
  EXPIRED: 4,
  DELETED: 5,
  CANCELLED: 6,
  SKIPPED: 7,
} as const;
export type DropState = (typeof DropStates)[keyof typeof DropStates];

export const AppStates = {
  NOT_RUN: 0,
  RUNNING: 1,
  FINISHED: 2,
  ERROR: 3,
  CANCELLED: 4,
  SKIPPED: 5,
} as const;
export type AppState = (typeof AppStates)[keyof typeof AppStates];

const sessionNames = Object.keys(SessionStates);
const dropNames = Object.keys(DropStates);
const appNames = Object.keys(AppStates);

export function sessionStateName(s: number): string {
  return sessionNames[s] ?? String(s);
}
export function dropStateName(s: number): string {
  return dropNames[s] ?? String(s);
}
export function appStateName(s: number): string {
  return appNames[s] ?? String(s);
}

/** FINISHED, CANCELLED and FAILED: the session will not change any more. */
export function isSessionOver(status: unknown): boolean {
  return status === SessionStates.FINISHED || status === SessionStates.CANCELLED ||
    status === SessionStates.FAILED;
}

/** A Drop state from which nothing further happens (EXPIRED/DELETED count as completed). */
export function isTerminal(status: number): boolean {
  return status >= DropStates.COMPLETED;
}
