import { pageLanguage } from './index-page';
import { tileDatumOf } from './client-config';

describe('console page defaults', () => {
  it('speaks Chinese when the browser prefers it, English otherwise', () => {
    expect(pageLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pageLanguage('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(pageLanguage('en;q=0.5,zh-TW;q=0.9')).toBe('zh-CN');
    expect(pageLanguage('fr-FR,zh;q=0.3')).toBe('zh-CN');
    expect(pageLanguage('fr-FR')).toBe('en');
    expect(pageLanguage(undefined)).toBe('en');
  });

  it('shifts geometry to GCJ-02 only over Chinese tile providers, unless configured', () => {
    expect(tileDatumOf('https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8')).toBe(
      'gcj02',
    );
    expect(tileDatumOf('https://rt{s}.map.gtimg.com/tile?z={z}&x={x}&y={y}')).toBe('gcj02');
    expect(tileDatumOf('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('wgs84');
    expect(tileDatumOf('https://tile.openstreetmap.org/{z}/{x}/{y}.png', 'gcj02')).toBe('gcj02');
    // A look-alike host is not a Chinese provider.
    expect(tileDatumOf('https://amap.com.example.org/{z}/{x}/{y}.png')).toBe('wgs84');
  });
});
