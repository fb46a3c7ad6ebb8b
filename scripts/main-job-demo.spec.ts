import { demoDistrictLines, sortiesToFly } from './main-job-demo';

describe("the demo's mountain district", () => {
  it('flies every sortie that has a mission and a path, with its drone and launch time', () => {
    const path: Array<[number, number]> = [
      [11.01, 47.01],
      [11.02, 47.03],
    ];
    const flights = sortiesToFly({
      sorties: [
        {
          missionId: 'm-1',
          droneSerial: 'FC30-1',
          launchAt: '2026-11-28T08:51:00.000Z',
          geometry: { coordinates: path },
        },
        { missionId: 'm-2', droneSerial: 'FC30-2', launchAt: '2026-11-28T09:00:00.000Z', geometry: null },
        { droneSerial: 'FC30-2', launchAt: '2026-11-28T09:10:00.000Z', geometry: { coordinates: path } },
        {
          missionId: 'm-4',
          droneSerial: 'FC30-2',
          launchAt: '2026-11-28T09:20:00.000Z',
          geometry: { coordinates: [path[0]] },
        },
      ],
    });
    expect(flights).toEqual([
      { missionId: 'm-1', droneSerial: 'FC30-1', launchAt: '2026-11-28T08:51:00.000Z', path },
    ]);
    expect(sortiesToFly({})).toEqual([]);
  });

  it('tells the newcomer (and the screenshot script) where the drones, the pilot and the parcel are', () => {
    const lines = demoDistrictLines('http://127.0.0.1:3000/', {
      region: 'mountain-1a2b3c',
      pilotId: '4e50a705-2242-41c9-8eda-ba9c383a5352',
      hubName: 'Valley hub',
      atHub: 6,
      toScan: 'RD4KGBMXYXNMZS',
    });
    const text = lines.join('\n');
    expect(text).toContain(
      "mountain district 'mountain-1a2b3c': http://127.0.0.1:3000/?region=mountain-1a2b3c ",
    );
    expect(text).toContain('pilot 4e50a705-2242-41c9-8eda-ba9c383a5352 has missions');
    expect(text).toContain('http://127.0.0.1:3000/?region=mountain-1a2b3c#/pilot');
    expect(text).toContain('6 parcels sit at Valley hub; parcel RD4KGBMXYXNMZS waits to be received');
  });
});
