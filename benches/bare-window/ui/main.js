// Reports "ready" after the first paint, exactly as Veo Desk's window does.
requestAnimationFrame(() => setTimeout(() => window.__TAURI__.core.invoke('report_ready'), 0));
