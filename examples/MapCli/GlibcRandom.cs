// glibc's rand()/srand() (TYPE_3 additive feedback generator), so seeds give the same numbers as C (PMDK: mapcli.c uses rand).
namespace Pmdk.Examples.MapCli;

/// <summary>The default glibc <c>random()</c> generator: the same seed yields the same sequence as C's <c>rand()</c>.</summary>
public sealed class GlibcRandom
{
    private readonly int[] _state = new int[34];
    private int _front;
    private int _rear;

    /// <summary>Seeds the generator (seed 0 behaves as 1, like glibc).</summary>
    public GlibcRandom(uint seed) => Seed(seed);

    /// <summary>Re-seeds the generator. C: <c>srand</c>.</summary>
    public void Seed(uint seed)
    {
        int[] r = new int[34];
        r[0] = seed == 0 ? 1 : unchecked((int)seed);
        for (int i = 1; i < 31; i++)
        {
            // 16807 * r[i-1] mod (2^31 - 1) without overflow (Schrage's method), as glibc does
            long hi = r[i - 1] / 127773;
            long lo = r[i - 1] % 127773;
            long word = 16807 * lo - 2836 * hi;
            if (word < 0)
                word += 2147483647;
            r[i] = (int)word;
        }
        Array.Copy(r, _state, 31);
        _front = 3;
        _rear = 0;
        for (int i = 0; i < 310; i++)
            Next();
    }

    /// <summary>The next value in [0, 2^31). C: <c>rand</c>.</summary>
    public int Next()
    {
        unchecked
        {
            _state[_front] += _state[_rear];
            int result = (int)((uint)_state[_front] >> 1);
            if (++_front >= 31)
                _front = 0;
            if (++_rear >= 31)
                _rear = 0;
            return result;
        }
    }
}
