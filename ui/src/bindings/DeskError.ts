import type { ErrorCode } from "./ErrorCode";

export type DeskError = { code: ErrorCode, message: string, field: string | null, retryable: boolean, };
