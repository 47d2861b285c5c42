namespace Parking.Domain;

/// <summary>How a refused command should be understood by a caller (and mapped to HTTP).</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Forbidden,
    Conflict,

    /// <summary>Well-formed, but cannot be taken as it is (an idempotency key reused for another request).</summary>
    Unprocessable,
}

/// <summary>Why a command was refused: a stable code, a sentence for people, and the offending field if any.</summary>
[GenerateSerializer, Immutable]
public sealed record DomainError(
    [Id(0)] ErrorKind Kind,
    [Id(1)] string Code,
    [Id(2)] string Message,
    [Id(3)] string? Field = null)
{
    public static DomainError Invalid(string field, string code, string message) => new(ErrorKind.Validation, code, message, field);

    public static DomainError NotFound(string code, string message) => new(ErrorKind.NotFound, code, message);

    public static DomainError Forbidden(string message) => new(ErrorKind.Forbidden, "forbidden", message);

    public static DomainError Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);
}

/// <summary>The result of a command: a value, or the reason it was refused. Nothing changes on refusal.</summary>
[GenerateSerializer, Immutable]
public sealed record Outcome<T>([Id(0)] T? Value, [Id(1)] DomainError? Error)
{
    public bool IsSuccess => Error is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(DomainError error) => new(default, error);
}
