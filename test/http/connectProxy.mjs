// A tiny HTTP CONNECT proxy for the transport tests, run as its own process so the test proves
// real tunnelling. Usage: node connectProxy.mjs <log file> [user:password]
// Prints {"port":N} on stdout once listening. Appends one line per CONNECT to the log file:
// "<target> <status>". Tunnels only to loopback targets; anything else gets 403.
import http from 'node:http';
import net from 'node:net';
import { appendFileSync } from 'node:fs';

const [logFile, credentials] = process.argv.slice(2);
if (!logFile) {
  process.stderr.write('usage: connectProxy.mjs <log file> [user:password]\n');
  process.exit(2);
}
const expectedAuth = credentials ? `Basic ${Buffer.from(credentials).toString('base64')}` : undefined;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

const server = http.createServer((_req, res) => {
  res.writeHead(405, { 'content-type': 'text/plain' });
  res.end('only CONNECT is supported\n');
});

server.on('connect', (req, clientSocket, head) => {
  const target = req.url ?? '';
  const reply = (status, text) => {
    appendFileSync(logFile, `${target} ${status}\n`);
    clientSocket.end(`HTTP/1.1 ${status} ${text}\r\n\r\n`);
  };
  if (expectedAuth && req.headers['proxy-authorization'] !== expectedAuth) return reply(407, 'Proxy Authentication Required');
  const sep = target.lastIndexOf(':');
  const host = target.slice(0, sep);
  const port = Number(target.slice(sep + 1));
  if (!LOOPBACK.has(host) || !Number.isInteger(port)) return reply(403, 'Forbidden');
  const upstream = net.connect(port, host.replace(/^\[|\]$/g, ''), () => {
    appendFileSync(logFile, `${target} 200\n`);
    clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(clientSocket);
    clientSocket.pipe(upstream);
  });
  upstream.on('error', () => {
    if (!clientSocket.destroyed) reply(502, 'Bad Gateway');
  });
  clientSocket.on('error', () => upstream.destroy());
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
