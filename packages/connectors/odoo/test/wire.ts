import net from 'node:net';

/**
 * A PostgreSQL wire-protocol tap between the connector and a sandbox database (PGlite or a real
 * server): it keeps a log of the requests the database receives and injects faults, as the HTTP
 * sandboxes do for the other vendors.
 *
 * A request is one round trip: a simple Query message, or an extended-protocol batch (Parse, Bind,
 * Describe, Execute) closed by its Sync. The startup handshake is not a request.
 */

export interface WireRequest {
  /** The SQL text (of the batch's Parse), when the request carried one. */
  text: string | undefined;
  /** The fault applied, if any. */
  fault?: 'hang' | 'error';
}

export interface StatementFault {
  /** Applies to requests whose SQL text matches (default: every request). */
  match?: RegExp;
  /** Never answer (until the client closes the connection). */
  hang?: boolean;
  /** Answer with this server error instead of passing the request on. */
  error?: { sqlstate: string; message: string };
}

export interface WireTap {
  /** The target's connection string with the tap's port. */
  readonly connectionString: string;
  /** Every request received, in order. */
  readonly requests: WireRequest[];
  /** Answers the startup of new connections with this FATAL server error and closes them. */
  refuseConnections(error: { sqlstate: string; message: string }): void;
  /** Adds a statement fault; the first matching fault applies. */
  inject(fault: StatementFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const SSL_REQUEST = 80_877_103;
const CANCEL_REQUEST = 80_877_102;
/** Messages of an extended-protocol batch, held until its Sync. */
const BATCH = new Set(['P', 'B', 'D', 'E', 'C']);

function field(code: string, value: string): Buffer {
  return Buffer.concat([Buffer.from(code, 'ascii'), Buffer.from(value, 'utf8'), Buffer.from([0])]);
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function errorResponse(severity: 'ERROR' | 'FATAL', sqlstate: string, text: string): Buffer {
  return message(
    'E',
    Buffer.concat([
      field('S', severity),
      field('V', severity),
      field('C', sqlstate),
      field('M', text),
      Buffer.from([0]),
    ]),
  );
}

/** ReadyForQuery in a failed transaction: what the server says after an error inside BEGIN. */
const READY_FAILED = message('Z', Buffer.from('E', 'ascii'));

/** The query text of a Query or Parse message body. */
function sqlText(type: string, body: Buffer): string {
  const start = type === 'P' ? body.indexOf(0) + 1 : 0;
  const end = body.indexOf(0, start);
  return body.toString('utf8', start, end === -1 ? body.length : end);
}

export async function startWireTap(target: string): Promise<WireTap> {
  const targetUrl = new URL(target);
  const targetPort = Number(targetUrl.port || 5432);
  const requests: WireRequest[] = [];
  let faults: StatementFault[] = [];
  let refusal: { sqlstate: string; message: string } | undefined;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    sockets.add(client);
    let upstream: net.Socket | undefined;
    let buffer = Buffer.alloc(0);
    let started = false;
    let hung = false;
    let batch: Buffer[] = [];
    let batchText: string | undefined;

    const closeBoth = () => {
      client.destroy();
      upstream?.destroy();
    };
    const openUpstream = () => {
      const socket = net.connect(targetPort, targetUrl.hostname);
      sockets.add(socket);
      socket.on('data', (chunk) => client.write(chunk));
      socket.on('close', closeBoth);
      socket.on('error', closeBoth);
      upstream = socket;
      return socket;
    };

    const finishRequest = (text: string | undefined, held: Buffer[]) => {
      const fault = faults.find(
        (candidate) => candidate.match === undefined || candidate.match.test(text ?? ''),
      );
      if (fault?.hang) {
        requests.push({ text, fault: 'hang' });
        hung = true;
        return;
      }
      if (fault?.error) {
        requests.push({ text, fault: 'error' });
        client.write(
          Buffer.concat([errorResponse('ERROR', fault.error.sqlstate, fault.error.message), READY_FAILED]),
        );
        return;
      }
      requests.push({ text });
      upstream?.write(Buffer.concat(held));
    };

    client.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (!hung) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          const startup = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST) {
            client.write('N');
            continue;
          }
          if (refusal !== undefined && code !== CANCEL_REQUEST) {
            client.end(errorResponse('FATAL', refusal.sqlstate, refusal.message));
            return;
          }
          started = true;
          openUpstream().write(startup);
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer.readUInt8(0));
        const length = buffer.readInt32BE(1) + 1;
        if (buffer.length < length) return;
        const whole = buffer.subarray(0, length);
        const body = buffer.subarray(5, length);
        buffer = buffer.subarray(length);
        if (BATCH.has(type)) {
          if (type === 'P') batchText = sqlText(type, body);
          batch.push(whole);
        } else if (type === 'S') {
          batch.push(whole);
          const held = batch;
          const text = batchText;
          batch = [];
          batchText = undefined;
          finishRequest(text, held);
        } else if (type === 'Q') {
          finishRequest(sqlText(type, body), [whole]);
        } else {
          upstream?.write(Buffer.concat([...batch, whole]));
          batch = [];
        }
      }
    });
    client.on('close', closeBoth);
    client.on('error', closeBoth);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the wire tap has no port');
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);

  return {
    connectionString: url.toString(),
    requests,
    refuseConnections(error) {
      refusal = error;
    },
    inject(fault) {
      faults.push(fault);
    },
    clearFaults() {
      faults = [];
      refusal = undefined;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
