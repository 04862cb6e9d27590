// One keep-alive HTTP/1.1 connection that sends pre-encoded requests one at a time and reads
// each answer's status and framing (Content-Length or chunked). Written for the load generator,
// where node:http's client costs about as much CPU per request as the server under test.
import { connect } from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** Parses the head of an answer: status and how its body is framed. */
function parseHead(head) {
  const text = head.toString('latin1');
  const status = Number(text.slice(9, 12));
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(text);
  const chunked = /\r\ntransfer-encoding:[^\r]*chunked/i.test(text);
  const close = /\r\nconnection:[ \t]*close/i.test(text);
  return { status, contentLength: length ? Number(length[1]) : chunked ? -1 : 0, close };
}

export class Http1Connection {
  #socket;
  #buffer = Buffer.alloc(0);
  #answer; // { status, contentLength, close, bodyStart }
  #pending; // { resolve, reject }

  constructor(host, port) {
    this.host = host;
    this.port = port;
  }

  /** Sends `bytes` (a whole request) and resolves `{ status }` when its answer is read. */
  send(bytes) {
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      if (!this.#socket) this.#open();
      this.#socket.write(bytes);
    });
  }

  close() {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #open() {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.#socket = socket;
    this.#buffer = Buffer.alloc(0);
    this.#answer = undefined;
    socket.on('data', (chunk) => {
      this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
      this.#read();
    });
    const fail = (error) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(error ?? new Error('connection closed before the answer'));
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  #read() {
    if (!this.#answer) {
      const end = this.#buffer.indexOf(HEAD_END);
      if (end === -1) return;
      this.#answer = parseHead(this.#buffer.subarray(0, end));
      this.#buffer = this.#buffer.subarray(end + 4);
    }
    const { contentLength } = this.#answer;
    if (contentLength >= 0) {
      if (this.#buffer.length < contentLength) return;
      this.#buffer = this.#buffer.subarray(contentLength);
    } else if (!this.#skipChunks()) return;
    this.#done();
  }

  /** Consumes a complete chunked body; false while more bytes are needed. */
  #skipChunks() {
    let at = 0;
    for (;;) {
      const lineEnd = this.#buffer.indexOf(CRLF, at);
      if (lineEnd === -1) return false;
      const size = parseInt(this.#buffer.toString('latin1', at, lineEnd), 16);
      if (size === 0) {
        // Last chunk: skip trailers up to the empty line.
        // Never a negative offset: Buffer#indexOf counts those from the end (a body of just "0\r\n\r\n").
        const trailerEnd = this.#buffer.indexOf(HEAD_END, Math.max(0, lineEnd - 2));
        if (trailerEnd === -1) return false;
        this.#buffer = this.#buffer.subarray(trailerEnd + 4);
        return true;
      }
      at = lineEnd + 2 + size + 2;
      if (this.#buffer.length < at) return false;
    }
  }

  #done() {
    const { status, close } = this.#answer;
    this.#answer = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (close) this.close();
    pending?.resolve({ status });
  }
}

/** The bytes of one POST request. */
export function encodeRequest({ host, port, path, headers, body }) {
  let head = `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Length: ${body.length}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}
