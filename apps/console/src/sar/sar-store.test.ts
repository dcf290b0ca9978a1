import { describe, expect, it, vi } from 'vitest';
import { LibraryCache } from '../library/library-query.js';
import { librarySession } from '../testing/fixtures.js';
import { buildSarQuery, MAX_EXPORT_SESSIONS, SarStore } from './sar-store.js';

describe('buildSarQuery', () => {
  it('needs a phone number; dates are optional whole local days', () => {
    expect(buildSarQuery({ phone: ' ', from: '', to: '' })).toEqual({
      errors: { phone: "Enter the subject's phone number." },
    });
    expect(buildSarQuery({ phone: '07700 900123', from: '2025-01-01', to: '' })).toEqual({
      query: { phone: '07700 900123', from: new Date(2025, 0, 1).getTime() },
    });
  });
});

describe('SarStore', () => {
  it('selects everything found, up to the export limit, and toggles rows', async () => {
    const many = Array.from({ length: MAX_EXPORT_SESSIONS + 3 }, (_, i) => librarySession(`s${i}`, i));
    const sarSessions = vi.fn(async () => many);
    const cache = new LibraryCache();
    const st = new SarStore({ sarSessions }, cache);
    st.setField('phone', '+447700900123');
    expect(await st.search()).toBe(true);
    expect(sarSessions).toHaveBeenCalledWith({ phone: '+447700900123' });
    expect(st.get().selected).toHaveLength(MAX_EXPORT_SESSIONS);
    st.toggle('s52', true);
    expect(st.get().selected).not.toContain('s52');
    st.toggle('s0', false);
    st.toggle('s52', true);
    expect(st.get().selected).toContain('s52');
    st.selectAll(false);
    expect(st.get().selected).toEqual([]);
    expect(cache.get('s1')).toBeDefined();
  });
});
