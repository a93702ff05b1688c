/**
 * What to check by hand on an SFR box: the area of each manual check; their English and French
 * sentences are the SFR adapter's coverage texts (src/adapters/sfr.meta.ts), which the French
 * report reads through the generated catalogue (src/i18n/coverage.generated.ts).
 */
import { sfrMeta } from './sfr.meta.js';

export interface SfrManualCheck {
  area: 'static-forwards' | 'dmz' | 'remote-admin' | 'upnp-state';
  /** Stable code, also used in coverage. */
  code: string;
  en: string;
  fr: string;
}

function check(area: SfrManualCheck['area'], code: string): SfrManualCheck {
  const text = sfrMeta.coverage?.[code];
  // A metadata typo fails every test that loads the SFR adapter, never a run.
  if (text?.en === undefined) throw new Error(`sfr.meta.ts: no English text for ${code}`);
  return { area, code, en: text.en, fr: text.fr };
}

/**
 * What the user must check by hand in the SFR box web interface (http://192.168.1.1, or
 * http://192.168.0.1 on some Box 10). The menu names follow the neufbox interface; the exact page
 * paths (other than `/network/nat`) are UNCONFIRMED and may differ on Box 8 / Box 10 firmware.
 */
export const SFR_MANUAL_CHECKS: readonly SfrManualCheck[] = [
  check('static-forwards', 'SFR_NO_API_STATIC_FORWARDS'),
  check('dmz', 'SFR_NO_API_DMZ'),
  check('remote-admin', 'SFR_NO_API_REMOTE_ADMIN'),
];
