import { describe, expect, it } from 'vitest';
import { capacityChart, ttffChart } from './charts.js';

describe('benchmark charts', () => {
  it('draws one point per measured load and marks the knee', () => {
    const level = (sessions: number, delay: number) => ({
      sessions,
      janus_cpu_s_per_s: sessions / 50,
      server_cpu_s_per_s: 0.01,
      frame_delay_p95_ms: delay,
    });
    const svg = capacityChart([level(1, 22), level(16, 25), level(40, 106)], 40, 55);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('knee: 40');
    expect(svg).toContain('knee rule: 55 ms');
  });

  it('draws a bar per step of the first frame, labelled with its time', () => {
    const svg = ttffChart(
      [
        ['getUserMedia', 37],
        ['viewerDtls', 57],
      ],
      401,
    );
    expect(svg.match(/<rect x="190"/g)).toHaveLength(2);
    expect(svg).toContain('>57</text>');
    expect(svg).toContain('401 ms');
  });

  it('sets the whole against the direct call and marks the target on the same scale', () => {
    const svg = ttffChart([['getUserMedia', 37]], 600, { directMs: 250, targetMs: 300 });
    expect(svg.match(/<rect x="190"/g)).toHaveLength(3);
    expect(svg).toContain('>250</text>');
    expect(svg).toContain('target 300');
    // 600 ms is twice 300 ms: the ttff bar is twice as long as the target line is from the axis.
    const ttffWidth = Number(/<rect x="190" y="\d+" width="([\d.]+)" height="14" fill="#333"/.exec(svg)![1]);
    const targetX = Number(/<line x1="([\d.]+)"/.exec(svg)![1]);
    expect(ttffWidth).toBeCloseTo(2 * (targetX - 190), 0);
  });
});
