/** What DALiuGE answers when a call returns nothing. */
export const SUCCESS = { Status: "Success" } as const;
export const MB = 1024 * 1024;
