package io.mote.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time (user + system, in ms) of processes on Linux, from {@code /proc/<pid>/stat}. */
final class CpuTime {

    private static final long MS_PER_TICK = 10; // USER_HZ is 100 on Linux

    /** The process's own CPU time; 0 when it is gone. */
    static long ofProcess(long pid) {
        String[] f = fields(pid);
        return f == null ? 0 : (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MS_PER_TICK;
    }

    /**
     * The process and its children: the running ones, and those that ended and were waited for
     * (cutime, cstime).
     */
    static long ofTree(long pid) throws IOException {
        String[] f = fields(pid);
        if (f == null) {
            return 0;
        }
        long total = (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]))
                * MS_PER_TICK;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    String[] c = fields(Long.parseLong(name));
                    if (c != null && Long.parseLong(c[1]) == pid) {
                        total += ofProcess(Long.parseLong(name));
                    }
                }
            }
        }
        return total;
    }

    /** The fields after the command name: [0] is the state, [1] the parent pid, [11] utime, [12] stime. */
    private static String[] fields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private CpuTime() {
    }
}
