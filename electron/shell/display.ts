/** Whether a desktop window can open here; on Linux/BSD that needs an X11 or Wayland display. */
export function missingDisplay(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  if (platform === 'win32' || platform === 'darwin') return null;
  if (env['DISPLAY'] || env['WAYLAND_DISPLAY']) return null;
  return [
    'fleetwatch: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the desktop app cannot open a window.',
    'Run the headless host instead and open the URL it prints in a browser:',
    '',
    '  npm run serve',
    '',
  ].join('\n');
}
