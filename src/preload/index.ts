// Preload: exposes exactly one object, `window.api`, with two functions. Channel names and
// argument shapes come from the shared contract; main validates every argument again.
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/ipc.js';

contextBridge.exposeInMainWorld('api', {
  invoke: (channel: string, args: unknown) => ipcRenderer.invoke(INVOKE_CHANNEL, channel, args),
  on: (event: string, listener: (payload: unknown) => void) => {
    const wrapped = (_e: Electron.IpcRendererEvent, msg: { event: string; payload: unknown }) => {
      if (msg.event === event) listener(msg.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
});
