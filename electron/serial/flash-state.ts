/**
 * The flash flow as a discriminated union the UI renders (the esp-web-tools `FlashStateType` idea):
 * every state the user can see, and every failure as a code plus a sentence a person can act on.
 */
import type { ImageErrorCode } from './image.js';
import type { ChipInfoDto, FlashErrorCode as ContractFlashErrorCode, FlashStateDto, FlashStatsDto, FlashedFileDto } from '../contract/serial.js';

// The states and codes are the contract's (the UI renders exactly these); the flasher only names them.
export type FlashErrorCode = ContractFlashErrorCode;
export type ChipInfo = ChipInfoDto;
export type FileResult = FlashedFileDto;
export type FlashStats = FlashStatsDto;
export type FlashState = FlashStateDto;

/** Every image check failure is a flash error code the UI knows (compile-time check). */
export const imageCodesAreFlashCodes: ImageErrorCode extends FlashErrorCode ? true : never = true;

export type FlashLogLevel = 'info' | 'warn';
export interface FlashLog {
  level: FlashLogLevel;
  message: string;
}

export class FlashError extends Error {
  constructor(
    readonly code: FlashErrorCode,
    message: string,
  ) {
    super(message);
  }
}
