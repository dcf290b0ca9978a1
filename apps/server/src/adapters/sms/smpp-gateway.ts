import * as smpp from 'smpp';
import type { Logger } from '../../lib/logger.js';
import type { Clock } from '../clock.js';
import { encodeSmppText } from './smpp-encoding.js';
import { otherIdForms, parseReceipt } from './smpp-receipt.js';
import {
  type SendResult,
  type SmsGateway,
  type SmsMessage,
  SmsSendError,
  type StatusReport,
} from './sms-gateway.js';

export interface SmppSettings {
  /** smpp://host:port, or ssmpp://host:port for TLS. */
  url: string;
  systemId: string;
  password: string;
  systemType: string;
  /** The sender shown on the phone (alphanumeric, TON 5). */
  sourceAddr: string;
  enquireLinkMs: number;
  timeoutMs: number;
  /** PEM of the SMSC's CA when it is not publicly trusted (TLS only). */
  tlsCa: string | null;
}

// SMPP 3.4 constants used here (section 5.2).
const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;
const NPI_E164 = 1;
const ESM_DELIVERY_RECEIPT = 0x04;
const REGISTERED_DELIVERY_FINAL = 0x01;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30_000;

/** The name of an SMPP command_status (ESME_R…), for a reason a person can look up. */
// Plain Node's ESM loader exposes only the CommonJS exports it finds by reading the source, and
// `errors` is built at run time: it is on the module object (`default`), not a named export.
// Vitest's interop adds it, so only the built server (npm start) crashed on it.
const SMPP_ERRORS =
  (smpp as unknown as { default?: { errors?: Record<string, number> } }).default?.errors ?? smpp.errors;
const ERROR_NAMES = new Map(Object.entries(SMPP_ERRORS).map(([name, code]) => [code, name]));

/**
 * An SMPP 3.4 ESME bound as a transceiver: texts go out as submit_sm asking for a final receipt,
 * receipts come back as deliver_sm. The bind is kept with enquire_link and made again, with
 * back-off, whenever the connection drops. A text submitted while unbound is refused at once
 * (never queued here), so the fallback or the officer can act.
 */
export class SmppGateway implements SmsGateway {
  readonly name = 'smpp' as const;
  #session: smpp.Session | null = null;
  #bound = false;
  #closed = false;
  #retryMs = RECONNECT_MIN_MS;
  #timer: NodeJS.Timeout | null = null;
  #enquire: NodeJS.Timeout | null = null;
  #lastBindError: string | null = null;
  readonly #listeners: Array<(r: StatusReport) => void> = [];

  constructor(
    private readonly settings: SmppSettings,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  onStatus(listener: (report: StatusReport) => void): void {
    this.#listeners.push(listener);
  }

  async start(): Promise<void> {
    this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#stopEnquire();
    const session = this.#session;
    this.#session = null;
    if (session && this.#bound) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        session.unbind({}, () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    session?.destroy();
    this.#bound = false;
  }

  /** True while bound (for tests and status). */
  get bound(): boolean {
    return this.#bound;
  }

  send(message: SmsMessage): Promise<SendResult> {
    const session = this.#session;
    if (!session || !this.#bound)
      return Promise.reject(
        new SmsSendError(
          'unreachable',
          `not connected to the SMSC${this.#lastBindError ? ` (${this.#lastBindError})` : ''}`,
        ),
      );
    const text = encodeSmppText(message.body);
    return new Promise<SendResult>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new SmsSendError('ambiguous', 'no answer from the SMSC in time; the text may still arrive'));
      }, this.settings.timeoutMs);
      let written: boolean;
      try {
        written = session.submit_sm(
          {
            source_addr_ton: TON_ALPHANUMERIC,
            source_addr_npi: 0,
            source_addr: this.settings.sourceAddr,
            dest_addr_ton: TON_INTERNATIONAL,
            dest_addr_npi: NPI_E164,
            destination_addr: message.to.replace(/^\+/, ''),
            registered_delivery: REGISTERED_DELIVERY_FINAL,
            data_coding: text.dataCoding,
            [text.field]: text.octets,
          },
          (pdu) => {
            clearTimeout(timer);
            // Taken after all, past the timeout: said as a report naming our reference, so the
            // text recorded as uncertain gets its id and its receipt can be matched.
            if (late && pdu.command_status === 0)
              this.#emit({
                gateway: 'smpp',
                providerRef: String(pdu.message_id),
                reference: message.reference,
                status: 'sent',
                reason: null,
                at: this.clock.now(),
              });
            else if (pdu.command_status === 0)
              resolve({ providerRef: String(pdu.message_id), status: 'sent' });
            else {
              const name = ERROR_NAMES.get(pdu.command_status) ?? `0x${pdu.command_status.toString(16)}`;
              reject(new SmsSendError('refused', `the SMSC refused the text (${name})`));
            }
          },
        );
      } catch (err) {
        // The PDU could not even be built (nothing was written): safe to send by another route.
        clearTimeout(timer);
        reject(
          new SmsSendError('unreachable', 'the text could not be put into an SMPP message', { cause: err }),
        );
        return;
      }
      if (!written) {
        clearTimeout(timer);
        reject(new SmsSendError('unreachable', 'not connected to the SMSC (the connection closed)'));
      }
    });
  }

  #connect(): void {
    if (this.#closed) return;
    const s = this.settings;
    const session = smpp.connect({
      url: s.url,
      ...(s.tlsCa ? { ca: s.tlsCa } : {}),
    });
    this.#session = session;
    session.on(s.url.startsWith('ssmpp:') ? 'secureConnect' : 'connect', () => {
      session.bind_transceiver(
        { system_id: s.systemId, password: s.password, system_type: s.systemType },
        (pdu) => {
          if (pdu.command_status === 0) {
            this.#bound = true;
            this.#lastBindError = null;
            this.#retryMs = RECONNECT_MIN_MS;
            this.#startEnquire(session);
            this.log.info({ url: s.url }, 'sms: bound to the SMSC');
          } else {
            this.#lastBindError = `bind refused: ${ERROR_NAMES.get(pdu.command_status) ?? pdu.command_status}`;
            this.log.error({ url: s.url, status: pdu.command_status }, 'sms: the SMSC refused the bind');
            session.destroy();
          }
        },
      );
    });
    session.on('deliver_sm', (pdu: smpp.PDU) => this.#onDeliver(session, pdu));
    // The SMSC checks on us too; answering keeps the bind.
    session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('error', (err: Error) => {
      this.#lastBindError = (err as NodeJS.ErrnoException).code ?? err.message;
      this.log.warn({ err: err.message }, 'sms: SMSC connection error');
    });
    session.on('close', () => {
      if (this.#session !== session) return;
      this.#bound = false;
      this.#stopEnquire();
      this.#session = null;
      if (this.#closed) return;
      this.#timer = setTimeout(() => this.#connect(), this.#retryMs);
      this.#retryMs = Math.min(RECONNECT_MAX_MS, this.#retryMs * 2);
    });
  }

  #onDeliver(session: smpp.Session, pdu: smpp.PDU): void {
    session.send(pdu.response());
    if ((Number(pdu.esm_class) & ESM_DELIVERY_RECEIPT) === 0) return; // a text to us: not our business
    const receipt = parseReceipt(textOf(pdu.short_message) || textOf(pdu.message_payload));
    const ref = receipt ? String(pdu.receipted_message_id ?? receipt.id) : null;
    if (!receipt || !ref) {
      this.log.warn('sms: an SMSC receipt could not be read');
      return;
    }
    const report: StatusReport = {
      gateway: 'smpp',
      providerRef: ref,
      otherRefs: otherIdForms(ref),
      status: receipt.status,
      reason: receipt.reason,
      at: this.clock.now(),
    };
    this.#emit(report);
  }

  #emit(report: StatusReport): void {
    for (const l of this.#listeners) {
      try {
        l(report);
      } catch (err) {
        this.log.error({ err }, 'sms: a receipt listener failed');
      }
    }
  }

  #startEnquire(session: smpp.Session): void {
    this.#stopEnquire();
    this.#enquire = setInterval(() => {
      // No answer within the timeout: the link is dead even if TCP has not noticed.
      const t = setTimeout(() => session.destroy(), this.settings.timeoutMs);
      if (!session.enquire_link({}, () => clearTimeout(t))) clearTimeout(t);
    }, this.settings.enquireLinkMs);
  }

  #stopEnquire(): void {
    if (this.#enquire) clearInterval(this.#enquire);
    this.#enquire = null;
  }
}

/** short_message arrives as { message } (decoded by the smpp package) or a Buffer. */
function textOf(v: unknown): string {
  if (!v) return '';
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  const m = (v as { message?: unknown }).message;
  return typeof m === 'string' ? m : Buffer.isBuffer(m) ? m.toString('latin1') : '';
}
