import { describe, expect, it } from 'vitest';
import { isLoopbackHost, OriginGuard } from '../src/plugins/origin.js';

describe('DNS-rebinding guard', () => {
  it('takes loopback addresses and localhost as loopback, not DNS names that start like one', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['127.evil.example', '127.0.0.1.nip.io', 'localhost.evil.example', '10.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('on loopback, accepts loopback hosts and origins and refuses a rebinding name', () => {
    const guard = new OriginGuard({ loopback: true, allowedHosts: [], allowedOrigins: [] });
    expect(guard.hostAllowed('127.0.0.1:8080')).toBe(true);
    expect(guard.hostAllowed('localhost:8080')).toBe(true);
    expect(guard.hostAllowed('127.evil.example:8080')).toBe(false);
    expect(guard.originAllowed('http://localhost:6274')).toBe(true);
    expect(guard.originAllowed('http://127.evil.example')).toBe(false);
    expect(guard.originAllowed(undefined)).toBe(true);
    expect(guard.originAllowed('null')).toBe(false);
  });

  it('accepts configured hosts and origins only', () => {
    const guard = new OriginGuard({
      loopback: false,
      allowedHosts: ['mcp.example.com'],
      allowedOrigins: ['https://agents.example.com'],
    });
    expect(guard.hostAllowed('mcp.example.com')).toBe(true);
    expect(guard.hostAllowed('127.0.0.1')).toBe(false);
    expect(guard.originAllowed('https://agents.example.com')).toBe(true);
    expect(guard.originAllowed('https://mcp.example.com')).toBe(true);
    expect(guard.originAllowed('https://evil.example')).toBe(false);
  });
});
