// Reading an XML document as a strict, namespace-aware parser does (saxes, the one jsdom
// uses): any well-formedness error — an unescaped & or <, an undefined entity, a control
// character — throws. saxes only streams events, so the few lines below build the tree.
import { SaxesParser } from 'saxes';

export interface XmlElement {
  /** Its namespace (the Atom namespace for every element of a feed) and its local name. */
  uri: string;
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The text directly inside it, entities decoded. */
  text: string;
}

export function parseXml(source: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('error', (err) => {
    throw err;
  });
  parser.on('opentag', (tag) => {
    const attributes = Object.fromEntries(Object.values(tag.attributes).map((a) => [a.local, a.value]));
    const element: XmlElement = { uri: tag.uri, name: tag.local, attributes, children: [], text: '' };
    open.at(-1)?.children.push(element);
    root ??= element;
    open.push(element);
  });
  parser.on('text', (text) => {
    const current = open.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => open.pop());
  parser.write(source).close();
  if (!root) throw new Error('the document has no element');
  return root;
}

/** The children of `element` with this local name, in `element`'s own namespace. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name && child.uri === element.uri);
}
