/**
 * [MQTT-3.1.2-24] measures the silence of a client: "does not receive a Control Packet from the
 * Client". While backpressure has the broker stop reading a publisher (a subscriber is congested),
 * the client may well be sending PINGREQs that sit unread in the socket: that silence is the
 * broker's, and must not cost the publisher its connection (nor publish its will, which the fleet
 * view would report as the device going offline).
 */

import { afterEach, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/raw-client.js';

let b: TestBroker | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await b?.close();
  b = undefined;
});

it('[MQTT-3.1.2-24] a publisher held back by backpressure is not disconnected for keepalive, and its will is not published', async () => {
  b = await startTestBroker();
  const ended: string[] = [];
  const wills: string[] = [];
  b.broker.on('client.disconnected', (e) => ended.push(`${e.clientId}:${e.reason}`));
  b.broker.on('will.published', (e) => wills.push(e.clientId));
  const deaf = (await RawClient.connect(b.port, { clientId: 'deaf' })).client;
  clients.push(deaf);
  await deaf.subscribe('flood/#', 0);
  deaf.socket.pause(); // reads nothing: congested, then (after STALL_MS without progress) stalled
  // keepalive 2 s: the broker may drop it after 3 s of silence, less than the stall rule's 5 s
  const pub = (await RawClient.connect(b.port, { clientId: 'sensor', keepalive: 2, will: { topicName: 'status/sensor', payload: Buffer.from('offline'), qos: 0, retain: false } })).client;
  clients.push(pub);
  const chunk = Buffer.alloc(16 * 1024, 0x61);
  for (let i = 0; i < 2000; i++) pub.publish('flood/x', chunk);
  // the PINGREQ sits behind the flood: it is answered once the broker reads this client again
  const outcome = await Promise.race([pub.sync().then(() => 'answered'), pub.closed.then(() => 'closed')]);
  expect({ outcome, ended }).toEqual({ outcome: 'answered', ended: [] });
  expect(wills).toEqual([]);
  expect(b.broker.clients().map((c) => c.clientId).sort()).toEqual(['deaf', 'sensor']);
});
