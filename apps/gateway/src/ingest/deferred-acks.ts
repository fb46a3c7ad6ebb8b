import type { IPublishPacket, MqttClient } from 'mqtt';

type SendPacket = (
  packet: { cmd: string; messageId?: number },
  cb?: (error?: Error) => void,
  ...rest: unknown[]
) => void;

interface Held {
  generation: number;
  committed: boolean;
  puback: { cmd: string; messageId?: number } | null;
}

/**
 * PUBACK after commit without handling one message at a time. mqtt.js reads the next packet of a
 * connection only once the previous one's PUBACK is written, so a callback held until the batch commits
 * allows one message per connection in flight. Here `handleMessage` answers mqtt.js at once and the
 * PUBACK it then sends is held back (mqtt.js's private `_sendPacket`, wrapped on this client) until the
 * message's batch committed. Held acknowledgements die with their connection (the broker redelivers,
 * storage is idempotent), and at most `maxHeld` messages are unacknowledged: beyond that the connection
 * waits as in the serial mode. The gateway e2e tests pin this behaviour to the mqtt.js version in use.
 */
export class DeferredAcks {
  private readonly held = new Map<number, Held>();
  private generation = 0;
  private waiting: Array<() => void> = [];
  private readonly send: SendPacket;

  constructor(
    client: MqttClient,
    private readonly maxHeld: number,
  ) {
    const internal = client as unknown as { _sendPacket: SendPacket };
    if (typeof internal._sendPacket !== 'function')
      throw new Error('mqtt.js has no _sendPacket: use serial acks');
    this.send = internal._sendPacket.bind(client);
    internal._sendPacket = (packet, cb, ...rest) => {
      // Offline, mqtt.js would queue a PUBACK and send it on the next connection, where its packet id
      // may name another message: drop it (the broker redelivers what was not acknowledged).
      if (packet.cmd === 'puback' && !client.connected) return cb?.();
      const entry =
        packet.cmd === 'puback' && packet.messageId !== undefined
          ? this.held.get(packet.messageId)
          : undefined;
      if (!entry || entry.puback) return this.send(packet, cb, ...rest);
      entry.puback = packet;
      cb?.(); // mqtt.js moves on to the next packet; the broker still waits for this PUBACK
      if (entry.committed) this.release(packet.messageId!);
    };
    client.on('close', () => {
      // The broker redelivers everything unacknowledged on the next session: forget it all.
      this.generation++;
      this.held.clear();
      this.wake();
    });
  }

  get size(): number {
    return this.held.size;
  }

  /** handleMessage for this client: `ingest` settles once the message is committed. */
  handle(
    packet: IPublishPacket,
    done: (error?: Error) => void,
    ingest: (packet: IPublishPacket) => Promise<void>,
  ): void {
    if (packet.qos !== 1 || packet.messageId === undefined) {
      ingest(packet).then(
        () => done(),
        (error: Error) => done(error),
      );
      return;
    }
    const id = packet.messageId;
    const entry: Held = { generation: this.generation, committed: false, puback: null };
    this.held.set(id, entry);
    ingest(packet).then(
      () => {
        if (this.held.get(id) !== entry) return; // connection lost meanwhile: redelivered later
        entry.committed = true;
        if (entry.puback) this.release(id);
      },
      () => {
        if (this.held.get(id) === entry) this.held.delete(id); // left unacknowledged
        this.wake();
      },
    );
    if (this.held.size < this.maxHeld) done();
    else this.waiting.push(() => done());
  }

  private release(id: number): void {
    const entry = this.held.get(id);
    if (!entry || entry.generation !== this.generation || !entry.puback) return;
    this.held.delete(id);
    this.send(entry.puback);
    this.wake();
  }

  private wake(): void {
    while (this.waiting.length && this.held.size < this.maxHeld) this.waiting.shift()!();
  }
}
