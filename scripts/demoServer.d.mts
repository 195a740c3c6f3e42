export declare const DIST: string;
export interface DemoServer {
  url: string;
  port: number;
  close(): Promise<void>;
}
export declare function startDemoServer(options?: { port?: number; host?: string; root?: string; isolated?: boolean }): Promise<DemoServer>;
