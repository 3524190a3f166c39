namespace PgMove.Verify;

/// <summary>How far a comparison goes, from nothing to the differing rows themselves.</summary>
public enum VerifyLevel
{
    /// <summary>No comparison.</summary>
    None,
    /// <summary>Schema and row counts.</summary>
    Counts,
    /// <summary>Schema, row counts and content checksums.</summary>
    Checksums,
    /// <summary>As <see cref="Checksums"/>, and the differing rows located by key.</summary>
    Rows,
}
