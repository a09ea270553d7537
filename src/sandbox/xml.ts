/**
 * Just enough XML for the sandbox: build response documents and read the small request bodies the SDKs
 * send (Route 53 change batches, CreateHostedZone). No DTDs, no namespaces beyond ignoring prefixes.
 */

export type XmlValue = string | number | boolean | Date | undefined | null | XmlObject | XmlValue[];
export interface XmlObject {
  [tag: string]: XmlValue;
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`,
  );
}

/** `{A: 1, B: {C: [x, y]}}` → `<A>1</A><B><C>x</C><C>y</C></B>`; undefined members are left out. */
export function toXml(value: XmlObject): string {
  let out = "";
  for (const [tag, child] of Object.entries(value)) {
    if (child === undefined || child === null) continue;
    if (Array.isArray(child)) {
      for (const item of child) out += element(tag, item);
    } else {
      out += element(tag, child);
    }
  }
  return out;
}

function element(tag: string, value: XmlValue): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return `<${tag}>${value.toISOString()}</${tag}>`;
  if (typeof value === "object" && !Array.isArray(value)) return `<${tag}>${toXml(value)}</${tag}>`;
  if (Array.isArray(value)) return `<${tag}>${value.map((v) => element("member", v)).join("")}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

/** A document with one root element in the given namespace. */
export function xmlDocument(root: string, namespace: string, body: XmlObject): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">${toXml(body)}</${root}>`;
}

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** Parses a document into elements; throws on malformed input. */
export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: "#document", children: [], text: "" };
  const stack: XmlElement[] = [root];
  const token =
    /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([^\s/>]+)([^>]*?)(\/?)>|([^<]+)/g;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(source)) !== null) {
    if (match.index !== consumed) throw new Error(`malformed XML near offset ${consumed}`);
    consumed = token.lastIndex;
    const top = stack[stack.length - 1]!;
    const [, cdata, closing, rawName, , selfClosing, text] = match;
    if (cdata !== undefined) top.text += cdata;
    else if (text !== undefined) top.text += decodeEntities(text);
    else if (rawName !== undefined) {
      const name = rawName.includes(":") ? rawName.slice(rawName.indexOf(":") + 1) : rawName;
      if (closing) {
        if (top.name !== name || stack.length === 1) throw new Error(`unexpected </${rawName}>`);
        stack.pop();
      } else {
        const node: XmlElement = { name, children: [], text: "" };
        top.children.push(node);
        if (!selfClosing) stack.push(node);
      }
    }
  }
  if (consumed !== source.length || stack.length !== 1) throw new Error("malformed XML: unclosed element");
  const [document] = root.children;
  if (!document) throw new Error("empty XML document");
  return document;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[e] ?? "";
  });
}

export function child(node: XmlElement | undefined, name: string): XmlElement | undefined {
  return node?.children.find((c) => c.name === name);
}

export function children(node: XmlElement | undefined, name: string): XmlElement[] {
  return node?.children.filter((c) => c.name === name) ?? [];
}

export function textOf(node: XmlElement | undefined, name: string): string | undefined {
  const found = child(node, name);
  return found === undefined ? undefined : found.text.trim();
}
