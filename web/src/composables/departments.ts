import type { DepartmentDto } from '../api/client';

export interface DeptNode extends DepartmentDto {
  children: DeptNode[];
  /** "Parent / Child" path, for selects. */
  path: string;
  depth: number;
}

/** Builds the tree from the flat list (`parent_id`), sorted by name; orphans become roots. */
export function buildTree(flat: DepartmentDto[]): DeptNode[] {
  const byId = new Map<string, DeptNode>();
  for (const d of flat) byId.set(d.id, { ...d, children: [], path: d.name, depth: 0 });
  const roots: DeptNode[] = [];
  for (const node of byId.values()) {
    const parent = node.parent_id ? byId.get(node.parent_id) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sortRec = (nodes: DeptNode[], prefix: string, depth: number) => {
    nodes.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    for (const n of nodes) {
      n.path = prefix ? `${prefix} / ${n.name}` : n.name;
      n.depth = depth;
      sortRec(n.children, n.path, depth + 1);
    }
  };
  sortRec(roots, '', 0);
  return roots;
}

/** Depth-first list of the tree (for selects showing paths). */
export function flattenTree(nodes: DeptNode[]): DeptNode[] {
  return nodes.flatMap((n) => [n, ...flattenTree(n.children)]);
}
