namespace Aigis.Core.Identity;

/// <summary>What a key may do: <c>user</c> calls the model APIs; <c>admin</c> also calls the admin API.</summary>
public enum KeyRole
{
    User,
    Admin,
}

public static class KeyRoles
{
    public const string User = "user";
    public const string Admin = "admin";

    public static readonly string[] All = [User, Admin];

    public static string Name(KeyRole role) => role == KeyRole.Admin ? Admin : User;

    public static bool TryParse(string? text, out KeyRole role)
    {
        switch (text)
        {
            case User:
                role = KeyRole.User;
                return true;
            case Admin:
                role = KeyRole.Admin;
                return true;
            default:
                role = default;
                return false;
        }
    }
}
