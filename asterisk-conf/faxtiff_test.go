package asteriskconf_test

import (
	"bytes"
	"encoding/binary"
)

// blankFaxTIFF builds a one-page TIFF-F file (1728 pixels wide, fine
// resolution, T.4 one-dimensional coding) of white rows, enough for
// SendFAX/ReceiveFAX to exchange a page.
func blankFaxTIFF(rows int) []byte {
	// each row: EOL, the white make-up code for 1728, the white terminating code for 0
	var bits bitWriter
	for i := 0; i < rows; i++ {
		bits.put("000000000001")
		bits.put("010011011")
		bits.put("00110101")
	}
	for i := 0; i < 6; i++ { // RTC: six EOLs
		bits.put("000000000001")
	}
	data := bits.bytes()

	const entries = 14
	ifdOffset := 8
	ifdSize := 2 + entries*12 + 4
	resOffset := ifdOffset + ifdSize
	dataOffset := resOffset + 16
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("II")
	binary.Write(&b, le, uint16(42))
	binary.Write(&b, le, uint32(ifdOffset))
	binary.Write(&b, le, uint16(entries))
	tag := func(id, typ uint16, count, value uint32) {
		binary.Write(&b, le, id)
		binary.Write(&b, le, typ)
		binary.Write(&b, le, count)
		if typ == 3 && count == 1 {
			binary.Write(&b, le, uint16(value))
			binary.Write(&b, le, uint16(0))
			return
		}
		binary.Write(&b, le, value)
	}
	const short, long, rational = 3, 4, 5
	tag(254, long, 1, 2)                       // NewSubfileType: page
	tag(256, long, 1, 1728)                    // ImageWidth
	tag(257, long, 1, uint32(rows))            // ImageLength
	tag(258, short, 1, 1)                      // BitsPerSample
	tag(259, short, 1, 3)                      // Compression: CCITT T.4
	tag(262, short, 1, 0)                      // Photometric: white is zero
	tag(266, short, 1, 1)                      // FillOrder
	tag(273, long, 1, uint32(dataOffset))      // StripOffsets
	tag(277, short, 1, 1)                      // SamplesPerPixel
	tag(278, long, 1, uint32(rows))            // RowsPerStrip
	tag(279, long, 1, uint32(len(data)))       // StripByteCounts
	tag(282, rational, 1, uint32(resOffset))   // XResolution 204
	tag(283, rational, 1, uint32(resOffset+8)) // YResolution 196
	tag(292, long, 1, 0)                       // T4Options: 1-D, no fill bits
	binary.Write(&b, le, uint32(0))            // no next IFD
	binary.Write(&b, le, [4]uint32{204, 1, 196, 1})
	b.Write(data)
	return b.Bytes()
}

// bitWriter packs bits most significant first (FillOrder 1).
type bitWriter struct {
	buf  []byte
	nbit int
}

func (w *bitWriter) put(bits string) {
	for _, c := range bits {
		if w.nbit%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		if c == '1' {
			w.buf[len(w.buf)-1] |= 0x80 >> (w.nbit % 8)
		}
		w.nbit++
	}
}

func (w *bitWriter) bytes() []byte { return w.buf }

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
