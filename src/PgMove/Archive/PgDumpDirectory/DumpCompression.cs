namespace PgMove.Archive.PgDumpDirectory;

/// <summary>How a pg_dump archive's data files are compressed (pg_compress_algorithm).</summary>
public enum DumpCompression
{
    /// <summary>Plain files: NNNN.dat.</summary>
    None = 0,
    /// <summary>NNNN.dat.gz, the default of the directory format.</summary>
    Gzip = 1,
    /// <summary>NNNN.dat.lz4 (pg_dump 16+).</summary>
    Lz4 = 2,
    /// <summary>NNNN.dat.zst (pg_dump 16+).</summary>
    Zstd = 3,
}
