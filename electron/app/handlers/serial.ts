import type { AreaHandlers, SerialRequests } from '../../contract/index.js';
import { HandlerError } from '../../bridge/errors.js';
import { SerialRejection, type SerialService } from '../../serial/serial-service.js';
import { StoreRejection } from '../../serial/firmware-store.js';

export interface SerialHandlerDeps {
  serial: SerialService;
}

/** The service's expected refusals become contract errors with their message; anything else stays `internal`. */
async function guard<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof SerialRejection || err instanceof StoreRejection) throw new HandlerError(err.code, err.message);
    throw err;
  }
}

export function serialHandlers({ serial }: SerialHandlerDeps): AreaHandlers<SerialRequests> {
  return {
    'serial.snapshot': async () => serial.snapshot(),
    'serial.ports': () => serial.ports(),
    'serial.upload': (req) => guard(() => serial.firmware.upload(req)),
    'serial.useHostFile': ({ path }) => guard(() => serial.firmware.fromHost(path)),
    'serial.flash': (req) => guard(() => serial.startFlash(req)),
    'serial.cancel': async () => serial.cancel(),
    'serial.configureTasmota': ({ path, settings }) => guard(() => serial.configureTasmota(path, settings)),
    'serial.provisionImprov': ({ path, ssid, password }) => guard(() => serial.provisionImprov(path, ssid, password)),
    'serial.watchArrival': ({ clientId, topic, timeoutMs }) =>
      guard(() => serial.startArrival({ ...(clientId ? { clientId } : {}), ...(topic ? { topic } : {}) }, timeoutMs ?? 120_000)),
    'serial.monitorStart': ({ path, baudRate }) => guard(() => serial.monitorStart(path, baudRate)),
    'serial.monitorStop': () => serial.monitorStop(),
    'serial.monitorSend': ({ text, lineEnding }) => guard(async () => (await serial.monitorSend(text, lineEnding), {})),
    'serial.monitorLines': async ({ sinceSeq }) => serial.monitorLines(sinceSeq),
  };
}
