// Canonical text dumps of btree/rbtree node structure, independent of object offsets (PMDK: btree_map.c, rbtree_map.c layouts).
using System.Text;
using Pmdk.Obj;

namespace Pmdk.Examples.Tests;

/// <summary>Dumps a map's node shape so two pools built by different programs can be compared structurally.</summary>
public static class TreeShape
{
    /// <summary>Pre-order dump of the tree in the mapcli pool at <paramref name="path"/>.</summary>
    public static string Dump(string path, string kind)
    {
        using ObjPool pool = ObjPool.Open(path, "map");
        PmemOid map = pool.Ref<PmemOid>(pool.Root(16));
        var sb = new StringBuilder();
        if (kind == "skiplist")
            SkipList(pool, map, sb);
        else if (kind == "btree")
            BTree(pool, pool.Ref<PmemOid>(map), sb);
        else
            RBTree(pool, pool.Ref<PmemOid>(map), pool.Ref<PmemOid>(pool.Ref<PmemOid>(map, 16), 48), sb);
        return sb.ToString();
    }

    private static void SkipList(ObjPool pool, PmemOid head, StringBuilder sb)
    {
        for (ulong level = 0; level < 4; level++)
        {
            for (PmemOid n = pool.Ref<PmemOid>(head, 16 * level); !n.IsNull; n = pool.Ref<PmemOid>(n, 16 * level))
                sb.Append(pool.Ref<ulong>(n, 64)).Append(',');
            sb.Append('|');
        }
    }

    private static void BTree(ObjPool pool, PmemOid node, StringBuilder sb)
    {
        if (node.IsNull)
        {
            sb.Append('.');
            return;
        }
        sb.Append('(').Append(pool.Ref<int>(node)).Append(':');
        for (int i = 0; i < 7; i++)
            sb.Append(pool.Ref<ulong>(node, 8 + 24UL * (ulong)i)).Append(',');
        for (int i = 0; i < 8; i++)
            BTree(pool, pool.Ref<PmemOid>(node, 176 + 16UL * (ulong)i), sb);
        sb.Append(')');
    }

    private static void RBTree(ObjPool pool, PmemOid sentinel, PmemOid node, StringBuilder sb)
    {
        if (node == sentinel)
        {
            sb.Append('.');
            return;
        }
        sb.Append('(').Append(pool.Ref<ulong>(node)).Append(pool.Ref<uint>(node, 24) == 1 ? 'r' : 'b');
        RBTree(pool, sentinel, pool.Ref<PmemOid>(node, 48), sb);
        RBTree(pool, sentinel, pool.Ref<PmemOid>(node, 64), sb);
        sb.Append(')');
    }
}
