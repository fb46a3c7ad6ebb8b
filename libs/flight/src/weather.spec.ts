import { FLYCART_30, MATRICE_30 } from './drone-presets';
import { launchAllowed } from './weather';

describe('launchAllowed', () => {
  const calm = { windSpeedMps: 3, windFromDeg: 200, rain: false };

  it('allows calm dry weather and refuses wind above the default 10 m/s limit', () => {
    expect(launchAllowed(FLYCART_30, calm)).toEqual({ ok: true });
    expect(launchAllowed(FLYCART_30, { ...calm, windSpeedMps: 10 })).toEqual({ ok: true });
    expect(launchAllowed(FLYCART_30, { ...calm, windSpeedMps: 10.5 })).toMatchObject({
      ok: false,
      code: 'wind',
    });
  });

  it("uses the drone's own limit when it is lower, and the operator's when that is", () => {
    const gentle = { ...MATRICE_30, maxWindMps: 6 };
    expect(launchAllowed(gentle, { ...calm, windSpeedMps: 7 })).toMatchObject({ ok: false, code: 'wind' });
    expect(launchAllowed(FLYCART_30, { ...calm, windSpeedMps: 11 }, { maxWindMps: 12 })).toEqual({
      ok: true,
    });
    expect(launchAllowed(FLYCART_30, { ...calm, windSpeedMps: 12.5 }, { maxWindMps: 14 })).toMatchObject({
      ok: false,
      code: 'wind',
    });
  });

  it('refuses gusts beyond the margin and rain unless the operator allows rain-tolerant drones', () => {
    expect(launchAllowed(FLYCART_30, { ...calm, gustMps: 13 })).toEqual({ ok: true });
    expect(launchAllowed(FLYCART_30, { ...calm, gustMps: 13.5 })).toMatchObject({ ok: false, code: 'wind' });
    expect(launchAllowed(FLYCART_30, { ...calm, rain: true })).toMatchObject({ ok: false, code: 'rain' });
    expect(launchAllowed(FLYCART_30, { ...calm, rain: true }, { rainTolerantMayFlyInRain: true })).toEqual({
      ok: true,
    });
    const fairWeather = { ...FLYCART_30, rainTolerant: false };
    expect(
      launchAllowed(fairWeather, { ...calm, rain: true }, { rainTolerantMayFlyInRain: true }),
    ).toMatchObject({
      ok: false,
      code: 'rain',
    });
    // Wind is reported before rain.
    expect(launchAllowed(FLYCART_30, { ...calm, windSpeedMps: 15, rain: true })).toMatchObject({
      code: 'wind',
    });
  });
});
