package io.voxelflow.flight;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Arrow buffers over memory-mapped regions of a file, so a file's bytes can be streamed (with
 * Flight's zero-copy writes) without being copied into Arrow memory first. The mapping is undone
 * when the buffer's last reference is released — after gRPC has written it.
 */
public final class MappedBuffers {
  private MappedBuffers() {}

  private static final sun.misc.Unsafe UNSAFE;

  static {
    try {
      Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      UNSAFE = (sun.misc.Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Maps {@code bytes} bytes of {@code file} from {@code offset}, read-only, as an Arrow buffer
   * accounted to {@code allocator}. The file must not shrink while the buffer lives.
   */
  public static ArrowBuf map(FileChannel file, long offset, long bytes, BufferAllocator allocator) throws IOException {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a mapped batch is limited to 2 GiB, asked " + bytes + " bytes");
    }
    MappedByteBuffer region = file.map(FileChannel.MapMode.READ_ONLY, offset, bytes);
    long address = MemoryUtil.getByteBufferAddress(region);
    try {
      return allocator.wrapForeignAllocation(new ForeignAllocation(bytes, address) {
        @Override
        protected void release0() {
          UNSAFE.invokeCleaner(region); // unmaps now instead of at some later GC
        }
      });
    } catch (RuntimeException e) {
      UNSAFE.invokeCleaner(region);
      throw e;
    }
  }
}
