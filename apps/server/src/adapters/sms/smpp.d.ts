// The parts of the `smpp` package (0.5, no published types) Sightline uses: the client session,
// and the server side the tests' SMSC is built with.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer } from 'node:net';

  export interface PDU {
    command: string;
    command_status: number;
    sequence_number: number;
    // Fields vary by command (system_id, message_id, short_message, esm_class, ...).
    [field: string]: unknown;
    response(options?: Record<string, unknown>): PDU;
    isResponse(): boolean;
  }

  /** Builds a PDU and puts it on the wire format, or reads one from it (the tests use this). */
  export const PDU: {
    new (command: string, options?: Record<string, unknown>): PDU & { toBuffer(): Buffer };
    fromBuffer(buffer: Buffer): PDU;
  };

  export interface ConnectOptions {
    url?: string;
    host?: string;
    port?: number;
    tls?: boolean;
    auto_enquire_link_period?: number;
    ca?: string | Buffer;
    servername?: string;
    rejectUnauthorized?: boolean;
  }

  export class Session extends EventEmitter {
    socket: import('node:net').Socket;
    send(pdu: PDU, onResponse?: (pdu: PDU) => void, onSent?: (pdu: PDU) => void): boolean;
    bind_transceiver(options: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    submit_sm(options: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    deliver_sm(options: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    enquire_link(options?: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    unbind(options?: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export function connect(options: ConnectOptions, listener?: () => void): Session;
  export function createServer(
    options: { key?: string | Buffer; cert?: string | Buffer },
    listener: (session: Session) => void,
  ): Server;
  export const errors: Record<string, number>;
  /** GSM 03.38: its basic and extension characters, and the encoder to unpacked septets. */
  export const gsmCoder: {
    GSM: { charRegex: RegExp };
    encode(text: string, shiftTable: number): Buffer;
    decode(octets: Buffer, shiftTable: number): string;
  };
  export const consts: { ESM_CLASS: Record<string, number>; REGISTERED_DELIVERY: Record<string, number> };
}
