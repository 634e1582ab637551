import fs from 'node:fs';
import type { UserInfo } from '../admission/admission';

/**
 * Parses a `--token-auth-file`: CSV lines `token,user,uid[,"group1,group2"]` as Kubernetes reads them; blank
 * lines and lines starting with `#` are skipped. Throws with the line number on a malformed line or a repeated token.
 */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const fields = csvFields(line, i + 1);
    if (fields.length < 3) throw new Error(`line ${i + 1}: want token,user,uid[,"groups"], got ${fields.length} field(s)`);
    const [token, name, uid, groupList] = fields;
    if (!token) throw new Error(`line ${i + 1}: empty token`);
    if (!name) throw new Error(`line ${i + 1}: empty user name`);
    if (tokens.has(token)) throw new Error(`line ${i + 1}: the token is listed twice`);
    const groups = (groupList ?? '').split(',').map((g) => g.trim()).filter(Boolean);
    tokens.set(token, uid ? { name, uid, groups } : { name, groups });
  }
  return tokens;
}

export function loadTokenFile(file: string): Map<string, UserInfo> {
  return parseTokenFile(fs.readFileSync(file, 'utf8'));
}

// RFC 4180 fields: a field in double quotes may hold commas, and "" inside it is one quote.
function csvFields(line: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`line ${lineNo}: unterminated quote`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new Error(`line ${lineNo}: text after a closing quote`);
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}
