import type { SmsGatewaysConfig } from '../../config/sms-config.js';
import type { Logger } from '../../lib/logger.js';
import type { Clock } from '../clock.js';
import { NotifyGateway } from './notify-gateway.js';
import type { OutboxGateway } from './outbox-gateway.js';
import { SmppGateway } from './smpp-gateway.js';
import type { GatewayName, SmsGateway } from './sms-gateway.js';
import { TwilioGateway } from './twilio-gateway.js';

/** The configured gateway and fallback, each built once from its checked settings. */
export function buildGateways(
  config: SmsGatewaysConfig,
  senderId: string,
  outbox: OutboxGateway,
  clock: Clock,
  log: Logger,
): { primary: SmsGateway; fallback: SmsGateway | null } {
  const build = (name: GatewayName): SmsGateway => {
    switch (name) {
      case 'outbox':
        return outbox;
      case 'notify':
        return new NotifyGateway({ ...config.notify!, timeoutMs: config.timeoutMs }, clock);
      case 'twilio':
        return new TwilioGateway(
          { ...config.twilio!, from: config.twilio!.from || senderId, timeoutMs: config.timeoutMs },
          clock,
        );
      case 'smpp': {
        const s = config.smpp!;
        return new SmppGateway(
          { ...s, sourceAddr: s.sourceAddr ?? senderId, timeoutMs: config.timeoutMs },
          clock,
          log.child({ component: 'smpp' }),
        );
      }
    }
  };
  return { primary: build(config.primary), fallback: config.fallback ? build(config.fallback) : null };
}
