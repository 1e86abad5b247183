package dev.leasehold.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Runs {@link Main} in its own process with a copy of every byte of standard input and standard output written to
 * two files, so tests can read the full JSON of every MCP message that crossed the wire in both directions.
 * Arguments: the input copy, the output copy, then the leasehold command line.
 */
final class McpWireTap {
  private McpWireTap() {}

  public static void main(String[] args) throws IOException {
    OutputStream inCopy = Files.newOutputStream(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    OutputStream outCopy = Files.newOutputStream(Path.of(args[1]), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    InputStream stdin = new FileInputStreamTee(System.in, inCopy);
    OutputStream stdout = new FilterOutputStream(new FileOutputStream(FileDescriptor.out)) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        synchronized (outCopy) {
          outCopy.write(b, off, len);
          outCopy.flush();
        }
      }

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }
    };
    System.setIn(stdin);
    System.setOut(new PrintStream(stdout, true, "UTF-8"));
    Main.main(Arrays.copyOfRange(args, 2, args.length));
  }

  private static final class FileInputStreamTee extends FilterInputStream {
    private final OutputStream copy;

    FileInputStreamTee(InputStream in, OutputStream copy) {
      super(in);
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      if (c >= 0) {
        copy.write(c);
        copy.flush();
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        copy.write(b, off, n);
        copy.flush();
      }
      return n;
    }
  }
}
