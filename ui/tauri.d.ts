// What the window uses of Tauri's global API (`app.withGlobalTauri`), for the type check
// only: the app loads none of this. The payloads Rust sends are declared in types/.

interface TauriEvent<T> {
  event: string;
  id: number;
  payload: T;
}

type UnlistenFn = () => void;

/** A file dragged over, dropped on, or taken off the window (Tauri's DragDropEvent). */
type DragDropEvent =
  | { type: 'enter'; paths: string[]; position: { x: number; y: number } }
  | { type: 'over'; position: { x: number; y: number } }
  | { type: 'drop'; paths: string[]; position: { x: number; y: number } }
  | { type: 'leave' };

interface Window {
  __TAURI__: {
    core: {
      invoke<T>(command: string, args?: Record<string, unknown> | Uint8Array): Promise<T>;
      Channel: new <T>() => { onmessage: (message: T) => void };
    };
    event: {
      listen<T>(event: string, handler: (event: TauriEvent<T>) => void): Promise<UnlistenFn>;
      emit(event: string, payload?: unknown): Promise<void>;
    };
    webviewWindow: {
      getCurrentWebviewWindow(): {
        onDragDropEvent(handler: (event: TauriEvent<DragDropEvent>) => void): Promise<UnlistenFn>;
      };
    };
  };
}
