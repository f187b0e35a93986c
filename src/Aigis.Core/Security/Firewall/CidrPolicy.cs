using System.Net;
using Aigis.Core.Configuration;

namespace Aigis.Core.Security.Firewall;

/// <summary>Allow and deny lists: deny wins; a non-empty allow list admits only what it lists.</summary>
public static class CidrPolicy
{
    public static bool Admits(CidrLists lists, IPAddress client)
    {
        if (lists.IsEmpty)
        {
            return true;
        }

        client = NetworkList.Normalize(client);
        if (NetworkList.Contains(lists.Deny, client))
        {
            return false;
        }

        return lists.Allow.Count == 0 || NetworkList.Contains(lists.Allow, client);
    }
}
