/** Process-wide flags that health checks and the MCP route consult. */
export class Lifecycle {
  shuttingDown = false;
}
