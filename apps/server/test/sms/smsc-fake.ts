/// <reference path="../../src/adapters/sms/smpp.d.ts" />
import type { AddressInfo } from 'node:net';
import * as smpp from 'smpp';
import type { Behaviour } from './http-fake.js';

/**
 * A local SMSC built with the smpp package's server side, speaking SMPP 3.4: bind_transceiver
 * checked against a system id and password; submit_sm answered by submit_sm_resp with a
 * message_id (or an error status); enquire_link answered; delivery receipts sent as deliver_sm
 * with esm_class 0x04 and the appendix B text "id:… sub:… dlvr:… submit date:… done date:…
 * stat:… err:… text:…".
 */
export const SMSC_SYSTEM_ID = 'sightline';
export const SMSC_PASSWORD = 'pw123456';

export interface SmscText {
  messageId: string;
  to: string;
  from: string;
  /** The text as SMPP 3.4 defines its data_coding (what a handset would show). */
  body: string;
  dataCoding: number;
  registeredDelivery: number;
  session: smpp.Session;
}

/** `tls`: the SMSC speaks SMPP over TLS (ssmpp://) with this key and certificate. */
export async function startSmscFake(tls?: { key: string; cert: string }) {
  const texts: SmscText[] = [];
  const behaviour = new Map<string, Behaviour>();
  const binds: Array<{ systemId: string; ok: boolean }> = [];
  let seq = 1000;
  let enquiries = 0;

  const server = smpp.createServer(tls ?? {}, (session) => {
    session.on('error', () => {});
    session.on('bind_transceiver', (pdu: smpp.PDU) => {
      const ok = pdu.system_id === SMSC_SYSTEM_ID && pdu.password === SMSC_PASSWORD;
      binds.push({ systemId: String(pdu.system_id), ok });
      if (!ok) {
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVPASWD }));
        session.close();
        return;
      }
      session.send(pdu.response({ system_id: 'FAKESMSC' }));
    });
    session.on('enquire_link', (pdu: smpp.PDU) => {
      enquiries++;
      session.send(pdu.response());
    });
    session.on('unbind', (pdu: smpp.PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: smpp.PDU) => {
      const to = String(pdu.destination_addr);
      const what = behaviour.get(to) ?? 'accept';
      if (what === 'hang') return;
      if (what === 'refuse') {
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVDSTADR }));
        return;
      }
      const messageId = String(++seq);
      texts.push({
        messageId,
        to,
        from: String(pdu.source_addr),
        body:
          specText(Number(pdu.data_coding), pdu.short_message) ||
          specText(Number(pdu.data_coding), pdu.message_payload),
        dataCoding: Number(pdu.data_coding),
        registeredDelivery: Number(pdu.registered_delivery),
        session,
      });
      const answer = () => session.send(pdu.response({ message_id: messageId }));
      if (what === 'late') setTimeout(answer, 3000);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `${tls ? 'ssmpp' : 'smpp'}://127.0.0.1:${port}`,
    texts,
    binds,
    get enquiries() {
      return enquiries;
    },
    /** Bound client sessions right now. */
    get sessions() {
      return server.sessions.length;
    },
    behave(to: string, what: Behaviour) {
      behaviour.set(to.replace(/^\+/, ''), what);
    },
    /** Sends the final receipt for a text, as an SMSC does (stat: DELIVRD, UNDELIV, EXPIRED…). */
    /** `idInReceipt`: the id as this SMSC writes it in receipts (some give hex ids in decimal there). */
    receipt(messageId: string, stat: string, err = '000', idInReceipt = messageId): Promise<number> {
      const text = texts.find((t) => t.messageId === messageId);
      if (!text) throw new Error(`no message ${messageId}`);
      const date = stamp(new Date());
      const short = `id:${idInReceipt} sub:001 dlvr:${stat === 'DELIVRD' ? '001' : '000'} submit date:${date} done date:${date} stat:${stat} err:${err} text:${text.body.slice(0, 20)}`;
      return new Promise((resolve) => {
        text.session.deliver_sm(
          {
            source_addr: text.to,
            destination_addr: text.from,
            esm_class: 0x04,
            short_message: short,
          },
          (resp) => resolve(resp.command_status),
        );
      });
    },
    /** Drops every client connection (the network failing). */
    dropAll() {
      for (const s of [...server.sessions]) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of [...server.sessions]) s.destroy();
        server.close(() => r());
      }),
  };
}

function messageText(v: unknown): string {
  if (!v) return '';
  if (typeof v === 'string') return v;
  const m = (v as { message?: unknown }).message;
  if (typeof m === 'string') return m;
  return Buffer.isBuffer(m) ? m.toString() : '';
}

/**
 * The smpp package decodes data_coding 1 as GSM 03.38, but SMPP 3.4 (5.2.19) defines 1 as IA5/ASCII;
 * an SMSC following the spec reads those octets as ASCII, so this one does too (other codings as
 * the package decodes them: 0 GSM 03.38, 3 Latin-1, 8 UCS-2).
 */
function specText(dataCoding: number, v: unknown): string {
  const text = messageText(v);
  if (dataCoding !== 0x01 || !text) return text;
  return smpp.gsmCoder.encode(text, 0x00).toString('latin1');
}

/** YYMMDDhhmm, the receipt's date form. */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}
