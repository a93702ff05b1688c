/**
 * Run inside the lab's lan namespace (lab.runNode): walk the box's GetGenericPortMappingEntry list
 * with boxaudit's own enumerateGeneric and soapCall, recording every index asked and how many
 * requests were in flight at once, so a lab test can prove the parallel walk asked every index
 * exactly once, in a bounded window.
 */
import { soapCall } from '../../src/transport/soap.js';
import { enumerateGeneric, type ServiceCaller } from '../../src/upnp/mappings.js';

export interface WalkProbe {
  entriesRead: number;
  ending: { status: string; code: string };
  /** Indexes asked, in the order the requests were sent. */
  asked: number[];
  maxInFlight: number;
  /** External ports of the forwards read, in walk order. */
  ports: number[];
}

export async function probeWalk(
  controlUrl: string,
  serviceType: string,
  concurrency: number,
): Promise<WalkProbe> {
  const asked: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const call: ServiceCaller = async (action, args) => {
    asked.push(Number(args.NewPortMappingIndex));
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await soapCall(controlUrl, serviceType, action, args, { timeoutMs: 5000, lenientParser: true });
    } finally {
      inFlight--;
    }
  };
  const result = await enumerateGeneric(call, { concurrency });
  return {
    entriesRead: result.entriesRead,
    ending: { status: result.ending.status, code: result.ending.code },
    asked,
    maxInFlight,
    ports: result.forwards.map((f) => f.externalPort?.start ?? -1),
  };
}
