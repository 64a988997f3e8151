//go:build !js

package e2e

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A camera photo for the browser tests: a JPEG that Go's encoder makes,
// with an APP1 Exif segment written here by hand (a big-endian TIFF with
// IFD0 holding Orientation and the GPS IFD pointer, and a GPS IFD with
// GPSVersionID, GPSLatitudeRef, GPSLatitude, GPSLongitudeRef and
// GPSLongitude), as a phone's camera would write it.

// exifInfo is what parseExif finds in a JPEG.
type exifInfo struct {
	Found       bool // an APP1 "Exif\0\0" segment is there
	Orientation int  // 0 when absent
	HasGPS      bool // a GPS IFD with a latitude and a longitude
	Lat, Lon    float64
}

// photoSpec describes a fixture photo.
type photoSpec struct {
	Width, Height int
	Orientation   int     // EXIF orientation, 1 (as is) or 6 (rotate 90° clockwise to show)
	Lat, Lon      float64 // degrees, north and east positive
	Seed          int     // makes the pixels (and so the hash) of each photo differ
}

// makeCameraJPEG encodes a photo of spec and inserts its Exif segment
// right after SOI.
func makeCameraJPEG(spec photoSpec) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, spec.Width, spec.Height))
	s := float64(spec.Seed + 1)
	for y := 0; y < spec.Height; y++ {
		for x := 0; x < spec.Width; x++ {
			fx, fy := float64(x)/float64(spec.Width), float64(y)/float64(spec.Height)
			img.Set(x, y, color.RGBA{
				R: uint8(255 * fx),
				G: uint8(127 + 127*math.Sin(fy*6*s+fx*3)),
				B: uint8(255 * (1 - fy) * (0.5 + 0.5*math.Cos(fx*9*s))),
				A: 255,
			})
		}
	}
	// A dark bar across the top: once the browser applies the orientation
	// the bar is on the right side of the stored photo.
	for y := 0; y < spec.Height/10; y++ {
		for x := 0; x < spec.Width; x++ {
			img.Set(x, y, color.RGBA{20, 20, 20, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	raw := buf.Bytes()
	if len(raw) < 4 || raw[0] != 0xFF || raw[1] != 0xD8 {
		return nil, errors.New("image/jpeg wrote no SOI")
	}
	app1 := exifSegment(spec)
	out := make([]byte, 0, len(raw)+len(app1))
	out = append(out, raw[:2]...)
	out = append(out, app1...)
	out = append(out, raw[2:]...)
	return out, nil
}

// exifSegment returns the whole APP1 segment (marker, length, "Exif\0\0",
// TIFF).
func exifSegment(spec photoSpec) []byte {
	be := binary.BigEndian
	var t []byte
	u16 := func(v uint16) { t = be.AppendUint16(t, v) }
	u32 := func(v uint32) { t = be.AppendUint32(t, v) }
	entry := func(tag, typ uint16, count uint32, value []byte) {
		u16(tag)
		u16(typ)
		u32(count)
		v := make([]byte, 4)
		copy(v, value)
		t = append(t, v...)
	}
	const (
		typeByte     = 1
		typeASCII    = 2
		typeShort    = 3
		typeLong     = 4
		typeRational = 5
	)
	// TIFF header: big endian, 42, IFD0 at 8.
	t = append(t, 'M', 'M')
	u16(42)
	u32(8)
	// IFD0: 2 entries (2 + 2*12 + 4 = 30 bytes): the GPS IFD follows at 38.
	const gpsIFD = 8 + 30
	u16(2)
	entry(0x0112, typeShort, 1, be.AppendUint16(nil, uint16(spec.Orientation)))
	entry(0x8825, typeLong, 1, be.AppendUint32(nil, gpsIFD))
	u32(0)
	// GPS IFD: 5 entries (2 + 5*12 + 4 = 66 bytes), then the rationals.
	const latAt = gpsIFD + 66
	const lonAt = latAt + 24
	latRef, lonRef := "N", "E"
	lat, lon := spec.Lat, spec.Lon
	if lat < 0 {
		latRef, lat = "S", -lat
	}
	if lon < 0 {
		lonRef, lon = "W", -lon
	}
	u16(5)
	entry(0x0000, typeByte, 4, []byte{2, 2, 0, 0})
	entry(0x0001, typeASCII, 2, []byte(latRef+"\x00"))
	entry(0x0002, typeRational, 3, be.AppendUint32(nil, latAt))
	entry(0x0003, typeASCII, 2, []byte(lonRef+"\x00"))
	entry(0x0004, typeRational, 3, be.AppendUint32(nil, lonAt))
	u32(0)
	for _, deg := range []float64{lat, lon} {
		d := math.Floor(deg)
		m := math.Floor((deg - d) * 60)
		sec := ((deg-d)*60 - m) * 60
		u32(uint32(d))
		u32(1)
		u32(uint32(m))
		u32(1)
		u32(uint32(math.Round(sec * 1000)))
		u32(1000)
	}
	body := append([]byte("Exif\x00\x00"), t...)
	seg := []byte{0xFF, 0xE1}
	seg = be.AppendUint16(seg, uint16(len(body)+2))
	return append(seg, body...)
}

// jpegSegment is one marker segment before the scan data.
type jpegSegment struct {
	Marker byte
	Data   []byte // without marker and length
}

// jpegSegments returns the marker segments of a JPEG from SOI up to SOS.
func jpegSegments(b []byte) ([]jpegSegment, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, errors.New("not a JPEG: no SOI")
	}
	var out []jpegSegment
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return out, fmt.Errorf("no marker at %d", i)
		}
		m := b[i+1]
		if m == 0xFF { // fill byte
			i++
			continue
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return out, fmt.Errorf("segment %02X at %d: bad length %d", m, i, n)
		}
		out = append(out, jpegSegment{Marker: m, Data: b[i+4 : i+2+n]})
		if m == 0xDA { // SOS: the scan follows
			return out, nil
		}
		i += 2 + n
	}
	return out, errors.New("no SOS")
}

// parseExif reads the Exif segment of a JPEG, if any: the orientation and
// the GPS position.
func parseExif(b []byte) (exifInfo, error) {
	segs, err := jpegSegments(b)
	if err != nil {
		return exifInfo{}, err
	}
	for _, s := range segs {
		if s.Marker != 0xE1 || !bytes.HasPrefix(s.Data, []byte("Exif\x00\x00")) {
			continue
		}
		info, err := parseTIFF(s.Data[6:])
		info.Found = true
		return info, err
	}
	return exifInfo{}, nil
}

func parseTIFF(t []byte) (exifInfo, error) {
	var info exifInfo
	if len(t) < 8 {
		return info, errors.New("short TIFF header")
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "MM":
		bo = binary.BigEndian
	case "II":
		bo = binary.LittleEndian
	default:
		return info, fmt.Errorf("TIFF byte order %q", t[:2])
	}
	if bo.Uint16(t[2:]) != 42 {
		return info, errors.New("TIFF magic is not 42")
	}
	type ifdEntry struct {
		typ   uint16
		count uint32
		value []byte // the 4 bytes of the value or offset
	}
	readIFD := func(off uint32) (map[uint16]ifdEntry, error) {
		if int(off)+2 > len(t) {
			return nil, fmt.Errorf("IFD at %d is past the end", off)
		}
		n := int(bo.Uint16(t[off:]))
		if int(off)+2+12*n > len(t) {
			return nil, fmt.Errorf("IFD at %d: %d entries past the end", off, n)
		}
		m := map[uint16]ifdEntry{}
		for i := 0; i < n; i++ {
			e := t[int(off)+2+12*i:]
			m[bo.Uint16(e)] = ifdEntry{typ: bo.Uint16(e[2:]), count: bo.Uint32(e[4:]), value: e[8:12]}
		}
		return m, nil
	}
	rationals := func(e ifdEntry) ([]float64, error) {
		off := int(bo.Uint32(e.value))
		if e.typ != 5 || off+8*int(e.count) > len(t) {
			return nil, errors.New("bad RATIONAL entry")
		}
		out := make([]float64, e.count)
		for i := range out {
			num, den := bo.Uint32(t[off+8*i:]), bo.Uint32(t[off+8*i+4:])
			if den == 0 {
				return nil, errors.New("zero denominator")
			}
			out[i] = float64(num) / float64(den)
		}
		return out, nil
	}
	ifd0, err := readIFD(bo.Uint32(t[4:]))
	if err != nil {
		return info, err
	}
	if e, ok := ifd0[0x0112]; ok && e.typ == 3 {
		info.Orientation = int(bo.Uint16(e.value))
	}
	ptr, ok := ifd0[0x8825]
	if !ok {
		return info, nil
	}
	gps, err := readIFD(bo.Uint32(ptr.value))
	if err != nil {
		return info, err
	}
	degrees := func(tag, refTag uint16, neg byte) (float64, bool, error) {
		e, ok := gps[tag]
		if !ok {
			return 0, false, nil
		}
		v, err := rationals(e)
		if err != nil || len(v) != 3 {
			return 0, false, fmt.Errorf("GPS tag %d: %v", tag, err)
		}
		d := v[0] + v[1]/60 + v[2]/3600
		if r, ok := gps[refTag]; ok && r.value[0] == neg {
			d = -d
		}
		return d, true, nil
	}
	lat, okLat, err := degrees(0x0002, 0x0001, 'S')
	if err != nil {
		return info, err
	}
	lon, okLon, err := degrees(0x0004, 0x0003, 'W')
	if err != nil {
		return info, err
	}
	info.HasGPS = okLat && okLon
	info.Lat, info.Lon = lat, lon
	return info, nil
}

// The two photos of TestPhoneOfflineCapture: the quay of Toulon, taken
// held sideways (orientation 6), and a wide one of La Seyne.
var testPhotos = []photoSpec{
	{Width: 1600, Height: 1200, Orientation: 6, Lat: 43.1206, Lon: 5.9345, Seed: 1},
	{Width: 2400, Height: 1600, Orientation: 1, Lat: 43.1009, Lon: 5.8786, Seed: 2},
}

// writeCameraPhotos writes the test photos into dir, checks that each
// really carries its GPS position (parsed back, and decodable as a JPEG),
// and returns their paths.
func writeCameraPhotos(t testing.TB, dir string) []string {
	t.Helper()
	var paths []string
	for i, spec := range testPhotos {
		b, err := makeCameraJPEG(spec)
		if err != nil {
			t.Fatal(err)
		}
		checkFixture(t, b, spec)
		p := filepath.Join(dir, fmt.Sprintf("IMG_%04d.jpg", 4711+i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func checkFixture(t testing.TB, b []byte, spec photoSpec) {
	t.Helper()
	info, err := parseExif(b)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	if !info.Found || !info.HasGPS || info.Orientation != spec.Orientation {
		t.Fatalf("fixture: Exif %+v, want GPS and orientation %d", info, spec.Orientation)
	}
	if math.Abs(info.Lat-spec.Lat) > 1e-5 || math.Abs(info.Lon-spec.Lon) > 1e-5 {
		t.Fatalf("fixture: GPS %.6f,%.6f, want %.6f,%.6f", info.Lat, info.Lon, spec.Lat, spec.Lon)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("fixture does not decode: %v", err)
	}
	if cfg.Width != spec.Width || cfg.Height != spec.Height {
		t.Fatalf("fixture is %dx%d, want %dx%d", cfg.Width, cfg.Height, spec.Width, spec.Height)
	}
}

// TestCameraFixture checks the fixture itself, and with exiftool (when
// installed) that another reader finds the GPS position too.
func TestCameraFixture(t *testing.T) {
	dir := t.TempDir()
	paths := writeCameraPhotos(t, dir)
	exiftool, err := exec.LookPath("exiftool")
	if err != nil {
		t.Logf("exiftool not installed: the fixture was checked by parseExif only")
		return
	}
	for i, p := range paths {
		out, err := exec.Command(exiftool, "-n", "-s3", "-GPSLatitude", "-GPSLongitude", "-Orientation", p).Output()
		if err != nil {
			t.Fatalf("exiftool %s: %v", p, err)
		}
		var lat, lon float64
		var orient int
		if _, err := fmt.Sscan(string(out), &lat, &lon, &orient); err != nil {
			t.Fatalf("exiftool says %q: %v", out, err)
		}
		spec := testPhotos[i]
		if math.Abs(lat-spec.Lat) > 1e-5 || math.Abs(lon-spec.Lon) > 1e-5 || orient != spec.Orientation {
			t.Errorf("exiftool reads %v,%v orientation %d from %s; want %v,%v orientation %d", lat, lon, orient, p, spec.Lat, spec.Lon, spec.Orientation)
		}
	}
}

// TestParseExifFindsNothingInPlainJPEG: the check the browser tests rely
// on to say "no EXIF" must be able to say it.
func TestParseExifFindsNothingInPlainJPEG(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	info, err := parseExif(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if info.Found || info.HasGPS {
		t.Fatalf("parseExif(plain JPEG) = %+v", info)
	}
}
