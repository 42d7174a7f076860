/** Stage start offsets: recorded from the probes' start events, kept in the report beside each duration. */
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../../e2e/schema.js';
import { candidate, endpoint, ID_993, LOGGED_IN, recordedStarts, reportFrom } from '../../helpers/evidence.js';

describe('stage start offsets', () => {
  it('records the first start of each stage, per endpoint and address, and discovery from the phases', () => {
    const s = recordedStarts();
    expect(s.startOf(ID_993, 'resolve')).toBe(5);
    expect(s.startOf(ID_993, 'tcp', '192.0.2.10')).toBe(7);
    expect(s.startOf(ID_993, 'tcp', '192.0.2.11')).toBeUndefined();
    expect(s.startOf(ID_993, 'login')).toBe(50);
    expect(s.discovery()).toEqual({ at: 1, ms: 3 });
  });

  it('land in the report beside each duration, valid against the schema', () => {
    const r = reportFrom([endpoint(candidate(), { login: LOGGED_IN })], { starts: recordedStarts() });
    const e = r.endpoints[0];
    expect(e?.resolve).toMatchObject({ at: 5, ms: 1 });
    expect(e?.addresses[0]?.stages.map((s) => [s.stage, s.at, s.ms])).toEqual([
      ['tcp', 7, 10],
      ['tls', 17, 20],
      ['greeting', 37, 5],
      ['capability', 42, 2],
    ]);
    expect(e?.login).toMatchObject({ state: 'attempted', at: 50, ms: 80 });
    expect(schemaErrors(JSON.parse(JSON.stringify(r)))).toBeNull();
  });
});
