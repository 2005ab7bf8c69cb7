// The application's commands, shared by the keyboard shortcuts (renderer, both modes) and the
// desktop app's native menu (main sends `menu:command` with one of these ids). One table, so the
// menu shows the same shortcut the page handles.

export const COMMANDS = [
  'project:new',
  'project:open',
  'project:save',
  'project:saveAs',
  'data:import',
  'model:new',
  'model:run',
  'table:export',
  'tab:data',
  'tab:describe',
  'tab:model',
  'tab:pipeline',
] as const;
export type Command = (typeof COMMANDS)[number];

/** The shortcut of each command that has one, in Electron accelerator syntax (CmdOrCtrl = Ctrl or ⌘). */
export const ACCELERATORS: Partial<Record<Command, string>> = {
  'project:new': 'CmdOrCtrl+N',
  'project:open': 'CmdOrCtrl+O',
  'project:save': 'CmdOrCtrl+S',
  'project:saveAs': 'CmdOrCtrl+Shift+S',
  'model:run': 'CmdOrCtrl+Enter',
  'tab:data': 'CmdOrCtrl+1',
  'tab:describe': 'CmdOrCtrl+2',
  'tab:model': 'CmdOrCtrl+3',
  'tab:pipeline': 'CmdOrCtrl+4',
};

export function isCommand(v: unknown): v is Command {
  return typeof v === 'string' && (COMMANDS as readonly string[]).includes(v);
}

/** The command a key press asks for (Ctrl or ⌘ held, no Alt), or null. */
export function commandForKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }): Command | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const key = e.key.toLowerCase();
  for (const [command, acc] of Object.entries(ACCELERATORS) as [Command, string][]) {
    const parts = acc.split('+');
    const want = parts[parts.length - 1].toLowerCase();
    if (want === key && parts.includes('Shift') === e.shiftKey) return command;
  }
  return null;
}

/** The native menu: menus of command ids (null = separator), labelled in the UI language. */
export interface MenuSpec {
  label: string;
  items: ({ command: Command; label: string; accelerator?: string } | null)[];
}

const LABELS: Record<'zh' | 'en', Record<Command | 'menu.file' | 'menu.data' | 'menu.model' | 'menu.view', string>> = {
  en: {
    'menu.file': '&File',
    'menu.data': '&Data',
    'menu.model': '&Model',
    'menu.view': '&View',
    'project:new': 'New project…',
    'project:open': 'Open project…',
    'project:save': 'Save',
    'project:saveAs': 'Save as…',
    'data:import': 'Import data (CSV, Excel, Stata)…',
    'model:new': 'New model',
    'model:run': 'Run model',
    'table:export': 'Export table…',
    'tab:data': 'Data',
    'tab:describe': 'Describe',
    'tab:model': 'Model',
    'tab:pipeline': 'Pipeline',
  },
  zh: {
    'menu.file': '文件(&F)',
    'menu.data': '数据(&D)',
    'menu.model': '模型(&M)',
    'menu.view': '视图(&V)',
    'project:new': '新建项目…',
    'project:open': '打开项目…',
    'project:save': '保存',
    'project:saveAs': '另存为…',
    'data:import': '导入数据（CSV、Excel、Stata）…',
    'model:new': '新建模型',
    'model:run': '运行模型',
    'table:export': '导出表格…',
    'tab:data': '数据',
    'tab:describe': '描述统计',
    'tab:model': '模型',
    'tab:pipeline': '实证流程',
  },
};

export function menuSpec(lang: 'zh' | 'en'): MenuSpec[] {
  const L = LABELS[lang];
  const item = (command: Command) => ({ command, label: L[command], ...(ACCELERATORS[command] ? { accelerator: ACCELERATORS[command] } : {}) });
  return [
    { label: L['menu.file'], items: [item('project:new'), item('project:open'), null, item('project:save'), item('project:saveAs')] },
    { label: L['menu.data'], items: [item('data:import')] },
    { label: L['menu.model'], items: [item('model:new'), item('model:run'), null, item('table:export')] },
    { label: L['menu.view'], items: [item('tab:data'), item('tab:describe'), item('tab:model'), item('tab:pipeline')] },
  ];
}
