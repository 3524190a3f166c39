using System.Buffers.Binary;

namespace PgMove.Data;

/// <summary>
/// Counts the rows in a COPY stream as its bytes pass by, without decoding values: in text format a row ends
/// at each newline (newlines inside values are escaped as \n); in binary format the tuple headers and field
/// lengths are followed to skip over the values.
/// </summary>
internal sealed class CopyRowCounter(bool binary)
{
    const int BinaryHeaderFixed = 11 + 4 + 4; // signature, flags, header-extension length

    enum Expect { Header, FieldCount, FieldLength, Skip, Trailer }

    readonly byte[] _scratch = new byte[BinaryHeaderFixed];
    int _scratchFill;
    Expect _expect = Expect.Header;
    long _skip;
    int _fieldsLeft;

    public long Rows { get; private set; }

    public void Feed(ReadOnlySpan<byte> data)
    {
        if (!binary)
        {
            Rows += data.Count((byte)'\n');
            return;
        }
        while (!data.IsEmpty)
        {
            if (_expect == Expect.FieldCount && _scratchFill == 0 && TrySkipWholeTuple(ref data)) continue;
            switch (_expect)
            {
                case Expect.Skip:
                    var n = (int)Math.Min(_skip, data.Length);
                    data = data[n..];
                    _skip -= n;
                    if (_skip == 0) _expect = _fieldsLeft > 0 ? Expect.FieldLength : Expect.FieldCount;
                    break;
                case Expect.Trailer:
                    return;
                default:
                    if (!Fill(ref data, NeededBytes())) return;
                    Consume();
                    break;
            }
        }
    }

    /// <summary>
    /// The common case, a whole tuple inside <paramref name="data"/> (the server sends one message per row), read in
    /// place; a tuple cut by the end of the chunk, or the trailer, is left to the byte-at-a-time state machine.
    /// </summary>
    bool TrySkipWholeTuple(ref ReadOnlySpan<byte> data)
    {
        if (data.Length < 2) return false;
        var fields = BinaryPrimitives.ReadInt16BigEndian(data);
        if (fields < 0) return false;
        var at = 2;
        for (var i = 0; i < fields; i++)
        {
            if (data.Length - at < 4) return false;
            var length = BinaryPrimitives.ReadInt32BigEndian(data[at..]);
            at += 4;
            if (length > 0)
            {
                if (data.Length - at < length) return false;
                at += length;
            }
        }
        data = data[at..];
        Rows++;
        return true;
    }

    int NeededBytes() => _expect switch
    {
        Expect.Header => BinaryHeaderFixed,
        Expect.FieldCount => 2,
        _ => 4,
    };

    bool Fill(ref ReadOnlySpan<byte> data, int needed)
    {
        var take = Math.Min(needed - _scratchFill, data.Length);
        data[..take].CopyTo(_scratch.AsSpan(_scratchFill));
        _scratchFill += take;
        data = data[take..];
        return _scratchFill == needed;
    }

    void Consume()
    {
        var bytes = _scratch.AsSpan(0, _scratchFill);
        _scratchFill = 0;
        switch (_expect)
        {
            case Expect.Header:
                _skip = BinaryPrimitives.ReadInt32BigEndian(bytes[15..]);
                _fieldsLeft = 0;
                _expect = _skip > 0 ? Expect.Skip : Expect.FieldCount;
                break;
            case Expect.FieldCount:
                var fields = BinaryPrimitives.ReadInt16BigEndian(bytes);
                if (fields < 0) { _expect = Expect.Trailer; return; }
                Rows++;
                _fieldsLeft = fields;
                _expect = fields > 0 ? Expect.FieldLength : Expect.FieldCount;
                break;
            case Expect.FieldLength:
                var length = BinaryPrimitives.ReadInt32BigEndian(bytes);
                _fieldsLeft--;
                if (length > 0) { _skip = length; _expect = Expect.Skip; }
                else _expect = _fieldsLeft > 0 ? Expect.FieldLength : Expect.FieldCount;
                break;
        }
    }
}
