# corrupt_font.py SRC.ttf OUTDIR: writes copies of a TrueType font each broken in one place, with the
# table directory intact so that fontconfig still lists them and the damage reaches wenshu: random
# bytes over a whole table (loca, glyf, hmtx, cmap, GSUB), units per em 0, more horizontal metrics
# or glyphs than the tables hold, a glyf length far past the end of the file. Deterministic.
import struct, random, sys, os
src, out = sys.argv[1], sys.argv[2]
base = open(src, 'rb').read()
n = struct.unpack('>H', base[4:6])[0]
tables = {}
for i in range(n):
    tag, cs, off, ln = struct.unpack('>4sIII', base[12 + 16 * i:28 + 16 * i])
    tables[tag.decode()] = (off, ln, 12 + 16 * i)
rnd = random.Random(9)
def garble(tag, keep=0):
    b = bytearray(base); off, ln, _ = tables[tag]
    for i in range(off + keep, off + ln): b[i] = rnd.randrange(256)
    return b
def write(name, b): open(os.path.join(out, name + '.ttf'), 'wb').write(b)
write('bad-loca', garble('loca'))
write('bad-glyf', garble('glyf'))
write('bad-hmtx', garble('hmtx'))
write('bad-cmap', garble('cmap', 4))
write('bad-gsub', garble('GSUB'))
b = bytearray(base); off = tables['head'][0]; b[off + 18:off + 20] = b'\0\0'; write('upem-zero', b)
b = bytearray(base); off = tables['hhea'][0]; b[off + 34:off + 36] = b'\xff\xff'; write('hmetrics-huge', b)
b = bytearray(base); off = tables['maxp'][0]; b[off + 4:off + 6] = b'\xff\xff'; write('numglyphs-huge', b)
b = bytearray(base); _, _, d = tables['glyf']; b[d + 12:d + 16] = struct.pack('>I', 0x7fffffff); write('glyf-len-huge', b)
