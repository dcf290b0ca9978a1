import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const s3 = { SIGHTLINE_EVIDENCE_STORE: 's3', SIGHTLINE_S3_BUCKET: 'force-evidence' };

describe('evidence store settings', () => {
  it('keeps evidence in the local directory unless told otherwise', () => {
    expect(loadConfig({}).evidenceStore).toEqual({ kind: 'local' });
  });

  it('takes an S3 bucket with defaults: no prefix, us-east-1, virtual-host style, SDK credentials, no Object Lock, 16 MiB parts', () => {
    expect(loadConfig(s3).evidenceStore).toEqual({
      kind: 's3',
      bucket: 'force-evidence',
      prefix: '',
      endpoint: null,
      region: 'us-east-1',
      forcePathStyle: false,
      credentials: null,
      objectLock: 'off',
      partSize: 16 * 1024 * 1024,
    });
  });

  it('reads every S3 setting, and gives the prefix exactly one trailing slash', () => {
    const c = loadConfig({
      ...s3,
      SIGHTLINE_S3_PREFIX: 'thames-valley/evidence/',
      SIGHTLINE_S3_ENDPOINT: 'https://minio.internal:9000',
      SIGHTLINE_S3_REGION: 'eu-west-2',
      SIGHTLINE_S3_FORCE_PATH_STYLE: 'true',
      SIGHTLINE_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      SIGHTLINE_S3_SECRET_ACCESS_KEY: 'secret',
      SIGHTLINE_S3_OBJECT_LOCK: 'compliance',
      SIGHTLINE_S3_PART_SIZE_MB: '64',
    }).evidenceStore;
    expect(c).toMatchObject({
      prefix: 'thames-valley/evidence/',
      endpoint: 'https://minio.internal:9000',
      region: 'eu-west-2',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
      objectLock: 'compliance',
      partSize: 64 * 1024 * 1024,
    });
    expect(loadConfig({ ...s3, SIGHTLINE_S3_PREFIX: 'a' }).evidenceStore).toMatchObject({ prefix: 'a/' });
  });

  it('refuses, naming the variable: no bucket, a bad bucket name or prefix, half a key pair, parts under 5 MiB', () => {
    expect(() => loadConfig({ SIGHTLINE_EVIDENCE_STORE: 's3' })).toThrow(/SIGHTLINE_S3_BUCKET is required/);
    expect(() => loadConfig({ SIGHTLINE_EVIDENCE_STORE: 'nfs' })).toThrow(/SIGHTLINE_EVIDENCE_STORE/);
    expect(() => loadConfig({ ...s3, SIGHTLINE_S3_BUCKET: 'Evidence_Bucket' })).toThrow(
      /SIGHTLINE_S3_BUCKET/,
    );
    for (const prefix of ['../up', '/abs', 'a//b', 'a b'])
      expect(() => loadConfig({ ...s3, SIGHTLINE_S3_PREFIX: prefix }), prefix).toThrow(/SIGHTLINE_S3_PREFIX/);
    expect(() => loadConfig({ ...s3, SIGHTLINE_S3_ENDPOINT: 'minio:9000' })).toThrow(/SIGHTLINE_S3_ENDPOINT/);
    expect(() => loadConfig({ ...s3, SIGHTLINE_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE' })).toThrow(
      /SIGHTLINE_S3_ACCESS_KEY_ID and SIGHTLINE_S3_SECRET_ACCESS_KEY/,
    );
    expect(() => loadConfig({ ...s3, SIGHTLINE_S3_PART_SIZE_MB: '4' })).toThrow(/SIGHTLINE_S3_PART_SIZE_MB/);
    expect(() => loadConfig({ ...s3, SIGHTLINE_S3_OBJECT_LOCK: 'on' })).toThrow(/SIGHTLINE_S3_OBJECT_LOCK/);
    expect(() => loadConfig({ ...s3, SIGHTLINE_S3_FORCE_PATH_STYLE: 'sometimes' })).toThrow(
      /SIGHTLINE_S3_FORCE_PATH_STYLE/,
    );
  });
});
