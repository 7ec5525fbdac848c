-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "language" TEXT;
