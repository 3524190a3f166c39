namespace PgMove.Catalog;

/// <summary>A column the applier writes on the target.</summary>
/// <param name="Type">The type as format_type() spells it on the target, usable in a cast.</param>
/// <param name="IdentityAlways">GENERATED ALWAYS AS IDENTITY: INSERT needs OVERRIDING SYSTEM VALUE, UPDATE may not set it.</param>
/// <param name="Name">The column's name.</param>
public sealed record TargetColumn(string Name, string Type, bool IdentityAlways);
