import type { AppInfo } from "./AppInfo";

export type Invoke = <T>(command: string, args: Record<string, unknown>) => Promise<T>;

export function makeCommands(invoke: Invoke) { return { appInfo: (): Promise<AppInfo> => invoke<AppInfo>("app_info", {}), }; }

export type Commands = ReturnType<typeof makeCommands>;
