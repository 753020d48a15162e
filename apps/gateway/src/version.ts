/** The gateway's version, reported to MCP clients in `serverInfo`. Kept equal to package.json. */
export const VERSION = '0.1.0';
