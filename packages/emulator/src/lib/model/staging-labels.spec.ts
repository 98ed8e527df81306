import type { SecretRecord } from './secret-record.js';
import { attachLabel, holderOf, pruneVersions, versionStagesMap } from './staging-labels.js';

function secretWith(...stages: string[][]): SecretRecord {
  return {
    arn: 'arn',
    name: 'n',
    tags: [],
    created: 0,
    lastChanged: 0,
    versions: stages.map((s, i) => ({ id: `v${i}`, created: i, stages: [...s], string: `${i}` })),
  };
}

describe('staging labels', () => {
  it('moving AWSCURRENT drags AWSPREVIOUS to the version it left', () => {
    const s = secretWith(['AWSPREVIOUS'], ['AWSCURRENT'], []);
    attachLabel(s, 'AWSCURRENT', s.versions[2]!);
    expect(s.versions.map((v) => v.stages)).toEqual([[], ['AWSPREVIOUS'], ['AWSCURRENT']]);
  });

  it('a label sits on one version at a time and joins the target existing labels', () => {
    const s = secretWith(['AWSCURRENT', 'BLUE'], ['X']);
    attachLabel(s, 'BLUE', s.versions[1]!);
    expect(holderOf(s, 'BLUE')?.id).toBe('v1');
    expect(s.versions[1]!.stages).toEqual(['X', 'BLUE']);
    expect(s.versions[0]!.stages).toEqual(['AWSCURRENT']);
  });

  it('the label map lists labelled versions only', () => {
    expect(versionStagesMap(secretWith([], ['AWSCURRENT']))).toEqual({ v1: ['AWSCURRENT'] });
    expect(versionStagesMap(secretWith([]))).toBeUndefined();
  });

  it('prunes deprecated versions beyond 100 that are older than a day, never labelled ones', () => {
    const s = secretWith(...Array.from({ length: 105 }, (_, i) => (i === 0 ? ['AWSPREVIOUS'] : i === 104 ? ['AWSCURRENT'] : [])));
    const day = 86_400_000;
    expect(pruneVersions(s, 2 * day)).toBe(true);
    expect(s.versions).toHaveLength(101);
    expect(s.versions[0]!.stages).toEqual(['AWSPREVIOUS']);
    const recent = secretWith(...Array.from({ length: 105 }, () => [] as string[]));
    expect(pruneVersions(recent, 1000)).toBe(false);
  });
});
