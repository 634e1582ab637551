import fs from 'node:fs';
import path from 'node:path';
import { builtinScheme, formatFieldError, schemaErrors, type KObject } from '@skiff/api';
import { parseManifests } from './manifests';

const examplesDir = path.resolve(__dirname, '../../../examples');
const files = fs.readdirSync(examplesDir).filter((f) => /\.ya?ml$/.test(f));

/** The manifests in examples/ are what a newcomer applies first: each must be an object the apiserver accepts. */
describe('examples/', () => {
  it('has examples', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s holds only valid objects of known kinds', (file) => {
    const manifests = parseManifests(fs.readFileSync(path.join(examplesDir, file), 'utf8'), file);
    expect(manifests.length).toBeGreaterThan(0);
    for (const m of manifests) {
      const obj = structuredClone(m.object) as KObject;
      const type = builtinScheme.forObject(obj);
      expect(type).toBeDefined();
      obj.metadata.namespace ??= 'default';
      type!.applyDefaults?.(obj);
      const errors = [...schemaErrors(type!.schema, obj), ...(type!.validate?.(obj) ?? [])].map(formatFieldError);
      expect(errors).toEqual([]);
    }
  });
});
